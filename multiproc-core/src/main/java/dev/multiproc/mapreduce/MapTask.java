package dev.multiproc.mapreduce;

import dev.multiproc.function.SerializableCallable;
import java.io.Serializable;
import java.util.List;

/**
 * The pool task that maps one split in a worker: reads it, pre-aggregates, and returns the
 * hash-partitioned partial answer with record counts.
 */
record MapTask<T, P>(Aggregation<T, P, ?> aggregation, Split<T> split, int partitions, boolean skipMalformed)
    implements SerializableCallable<MapTask.Output<P>> {
  @Override
  public Output<P> call() throws Exception {
    RecordGuard<T> guard = new RecordGuard<>(split, skipMalformed);
    List<P> parts = aggregation.map(split, partitions, guard);
    return new Output<>(parts, guard.records(), guard.malformed(), List.copyOf(guard.samples()));
  }

  /**
   * What a map task sends back.
   *
   * @param partitions one pre-aggregated piece per partition
   * @param records records read
   * @param malformed malformed records skipped
   * @param samples locations of the first skipped records
   */
  record Output<P>(List<P> partitions, long records, long malformed, List<String> samples) implements Serializable {}
}
