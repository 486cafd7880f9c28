package dev.multiproc.testing;

import dev.multiproc.Pool;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Waits for a pool's worker set to reach a state (workers start and get replaced asynchronously). */
public final class PoolWorkers {
  private PoolWorkers() {}

  /**
   * Polls {@link Pool#workerPids()} every 10 ms until {@code condition} holds or {@code timeout}
   * passes; the caller asserts on the pids afterwards.
   *
   * @param pool the pool
   * @param timeout how long to wait at most
   * @param condition what the worker pids must satisfy
   * @throws InterruptedException if interrupted
   */
  public static void await(Pool pool, Duration timeout, Predicate<List<Long>> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(pool.workerPids()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
