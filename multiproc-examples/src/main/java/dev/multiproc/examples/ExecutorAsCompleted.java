package dev.multiproc.examples;

import dev.multiproc.ProcessPoolExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * Python:
 * <pre>
 * with ProcessPoolExecutor(2) as ex:
 *     futures = {ex.submit(slow, d): d for d in (300, 100, 200)}
 *     for f in as_completed(futures): print(f.result())          # fastest first
 *     print(list(ex.map(square, range(5))))
 * </pre>
 */
public final class ExecutorAsCompleted {
  private ExecutorAsCompleted() {}

  static int slow(int millis) throws InterruptedException {
    Thread.sleep(millis);
    return millis;
  }

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
      List<CompletableFuture<Integer>> futures =
          List.of(600, 100, 350).stream().map(d -> executor.submit(() -> slow(d))).toList();
      System.out.println("as completed: " + ProcessPoolExecutor.asCompleted(futures).map(CompletableFuture::join).toList());
      System.out.println("map: " + executor.map((Integer x) -> x * x, IntStream.range(0, 5).boxed().toList()).toList());
    }
  }
}
