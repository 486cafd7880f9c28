package dev.multiproc.mapreduce;

import dev.multiproc.function.SerializableCallable;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool task that merges the pieces of one partition in a worker: a lambda capturing the
 * aggregation and an {@code ArrayList} of the pieces, so that pieces which are byte arrays (a
 * count's partitions) travel as raw bytes, not through an object stream. As a record it went
 * through Java serialization: the parent took ~12 ms to encode each of a word count's eight reduce
 * tasks (~3 MB of pieces each), one after another, while the workers waited for them.
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
  static <P> SerializableCallable<P> of(Aggregation<?, P, ?> aggregation, List<P> pieces) {
    ArrayList<P> shipped = new ArrayList<>(pieces);
    return () -> aggregation.reduce(shipped);
  }
}
