package dev.multiproc.spi;

import dev.multiproc.function.SerializableCallable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link dev.multiproc.Pool} runs its tasks: the local worker JVMs, or the members of a
 * cluster. {@code Pool}, {@code ProcessPoolExecutor} and MapReduce jobs are written once against
 * {@code Pool}; the backend is chosen when the pool is built ({@link
 * dev.multiproc.Pool.Builder#backend(PoolBackend)}, {@link
 * dev.multiproc.Pool.Builder#cluster(String)}).
 *
 * <p><b>Contract.</b> {@link #submit} returns at once. Its future completes with the task's
 * result, or exceptionally with a {@link dev.multiproc.MultiprocException}: {@link
 * dev.multiproc.TaskFailedException} (cause: the task's own exception with its remote stack),
 * {@link dev.multiproc.WorkerCrashedException} when the process running it died (MapReduce jobs run
 * such tasks again), {@link dev.multiproc.TaskTimeoutException} past the hard timeout; or with a
 * {@link java.util.concurrent.CancellationException} when the backend was terminated. Cancelling
 * the future with {@code cancel(true)} cancels the task where it runs. A task that cannot be
 * serialized fails {@code submit} itself with {@link dev.multiproc.TaskNotSerializableException};
 * a backend that no longer accepts tasks throws {@link
 * java.util.concurrent.RejectedExecutionException}.
 *
 * <p>Lifecycle: running, then {@link #shutdown() shut down} (accepted tasks still complete) or
 * {@link #terminate() terminated} (they are cancelled), then terminated once nothing runs and its
 * resources (processes, connections) are released. Implementations are thread-safe.
 */
public interface PoolBackend {
  /**
   * Queues a task.
   *
   * @param task the task
   * @param timeout its hard timeout, or null for none
   * @param <R> its result type
   * @return the future of its result; cancelling it cancels the task
   */
  <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout);

  /** {@return how many tasks the backend runs at once (worker processes, summed over members)} */
  int parallelism();

  /** Stops accepting tasks; accepted tasks still complete. */
  void shutdown();

  /** Cancels accepted tasks and releases everything now. */
  void terminate();

  /**
   * Waits until the backend is terminated, after {@link #shutdown()} or {@link #terminate()}.
   *
   * @param timeout how long to wait
   * @return whether it terminated
   * @throws InterruptedException if interrupted
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /** {@return whether {@link #shutdown()} or {@link #terminate()} was called, or the backend broke} */
  boolean isShutdown();

  /** {@return whether it is shut down and nothing runs any more} */
  boolean isTerminated();

  /** {@return the pids of this machine's worker processes; empty when they run elsewhere} */
  default List<Long> workerPids() {
    return List.of();
  }

  /**
   * {@return whether tasks run on this machine} A pool whose tasks run on other machines rejects
   * the settings only a local pool can honour (initializer, JVM options, worker count...).
   */
  default boolean isLocal() {
    return false;
  }
}
