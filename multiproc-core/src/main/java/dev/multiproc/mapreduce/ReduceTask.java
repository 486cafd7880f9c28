package dev.multiproc.mapreduce;

import dev.multiproc.function.SerializableCallable;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool task that merges the pieces of one partition in a worker: a lambda capturing the
 * aggregation and an {@code ArrayList} of the pieces, so that pieces which are byte arrays (a
 * count's partitions, ~1.4 MB per reduce task of the 335 MB word count) travel as raw bytes in the
 * pool's list encoding instead of through an object stream, as they did when this was a record.
 *
 * <p>A count's reduce needs nothing of its aggregation (its mapper only maps), so its lambda
 * captures the pieces alone: the aggregation is a record, and Java serialization rebuilds a record
 * through method handles generated afresh in each new JVM - 40-60 ms before each worker's first
 * reduce of the word count could start.
 */
final class ReduceTask {
  private ReduceTask() {}

  /**
   * The task that reduces {@code pieces} with {@code aggregation}.
   *
   * @param aggregation the job's aggregation
   * @param pieces the partition's pieces, one per map task
   * @param <P> the piece type
   * @return the task
   */
  @SuppressWarnings("unchecked")
  static <P> SerializableCallable<P> of(Aggregation<?, P, ?> aggregation, List<P> pieces) {
    ArrayList<P> shipped = new ArrayList<>(pieces);
    if (aggregation instanceof CountingAggregation<?>) {
      ArrayList<byte[]> counts = (ArrayList<byte[]>) shipped;
      return () -> (P) CountingAggregation.merge(counts);
    }
    return () -> aggregation.reduce(shipped);
  }
}
