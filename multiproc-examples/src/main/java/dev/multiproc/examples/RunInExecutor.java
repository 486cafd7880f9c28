package dev.multiproc.examples;

import dev.multiproc.ProcessPoolExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Python's "process pool with asyncio":
 * <pre>
 * loop = asyncio.get_running_loop()
 * with ProcessPoolExecutor() as pool:
 *     a, b = await asyncio.gather(loop.run_in_executor(pool, cpu, 30), loop.run_in_executor(pool, cpu, 31))
 *     r = await asyncio.wait_for(loop.run_in_executor(pool, cpu, 32), timeout=10)
 * </pre>
 * In Java, {@code executor.submit(fn)} is {@code run_in_executor}; the futures are
 * CompletableFutures, so {@code allOf} is {@code gather} and {@code orTimeout} is {@code wait_for}.
 */
public final class RunInExecutor {
  private RunInExecutor() {}

  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ProcessPoolExecutor pool = ProcessPoolExecutor.create(2)) {
      CompletableFuture<Long> a = pool.submit(() -> fib(25));
      CompletableFuture<Long> b = pool.submit(() -> fib(26));
      long sum = CompletableFuture.allOf(a, b).thenApply(v -> a.join() + b.join()).join(); // gather
      CompletableFuture<Long> c = pool.submit(() -> fib(27)).orTimeout(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS); // wait_for
      System.out.println("gather: " + sum + ", wait_for: " + c.join());
    }
  }
}
