package dev.multiproc.mapreduce;

import dev.multiproc.function.SerializableCallable;
import java.util.List;

/** The pool task that merges the pieces of one partition in a worker. */
record ReduceTask<P>(Aggregation<?, P, ?> aggregation, List<P> pieces) implements SerializableCallable<P> {
  @Override
  public P call() {
    return aggregation.reduce(pieces);
  }
}
