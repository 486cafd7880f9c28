package dev.multiproc.examples;

import dev.multiproc.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Python:
 * <pre>
 * with Pool(2) as pool:
 *     print(pool.apply(square, (7,)))                            # blocks
 *     results = [pool.apply_async(square, (i,)) for i in range(10)]
 *     print([r.get() for r in results])                          # all in flight at once
 * </pre>
 */
public final class ApplyVsApplyAsync {
  private ApplyVsApplyAsync() {}

  static int square(int x) {
    return x * x;
  }

  /**
   * Runs the example.
   *
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (Pool pool = Pool.create(2)) {
      System.out.println("apply: " + pool.apply(ApplyVsApplyAsync::square, 7));
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        results.add(pool.applyAsync(ApplyVsApplyAsync::square, i));
      }
      System.out.println("applyAsync: " + results.stream().map(CompletableFuture::join).toList());
      System.out.println("map: " + pool.map(ApplyVsApplyAsync::square, List.of(1, 2, 3, 4)));
    }
  }
}
