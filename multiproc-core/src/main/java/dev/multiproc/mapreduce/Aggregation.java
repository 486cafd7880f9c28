package dev.multiproc.mapreduce;

import java.io.Serializable;
import java.util.List;

/**
 * How a job turns records into its answer, in three steps that run in different processes: {@link
 * #map} (worker: read one split, pre-aggregate, cut into hash partitions), {@link #reduce} (worker:
 * merge the pieces of one partition) and {@link #finish} (parent: assemble the partitions).
 *
 * @param <T> the record type
 * @param <P> one partition's data as it travels between processes
 * @param <R> the job's answer
 */
sealed interface Aggregation<T, P, R> extends Serializable permits CountingAggregation, KeyedAggregation {
  /** Reads a split into pre-aggregated partitions; reports malformed records to {@code guard}. */
  List<P> map(Split<T> split, int partitions, RecordGuard<T> guard) throws Exception;

  /**
   * Whether a partition that got a single piece still goes through {@link #reduce}: true when a
   * piece as mapped is not yet what {@link #finish} takes (it may repeat keys, say). False: a lone
   * piece is final as it is, and no task is spent on it.
   */
  default boolean reducesLonePieces() {
    return false;
  }

  /** Merges the pieces of one partition, which the map tasks produced. */
  P reduce(List<P> pieces);

  /** Assembles the reduced partitions, in partition order, into the answer. */
  R finish(List<P> partitions);
}
