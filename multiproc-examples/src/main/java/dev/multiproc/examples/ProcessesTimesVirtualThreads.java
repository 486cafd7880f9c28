package dev.multiproc.examples;

import dev.multiproc.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Python's "multiprocess and multi event loop": each process runs an event loop with many
 * concurrent I/O-bound coroutines. Here each worker runs up to 250 tasks at once on virtual
 * threads: 2 workers x 250 concurrent 100 ms "requests" = 500 requests in about 0.2 s.
 */
public final class ProcessesTimesVirtualThreads {
  private ProcessesTimesVirtualThreads() {}

  static String fetch(int id) throws InterruptedException {
    Thread.sleep(100); // stands for a network call
    return "response-" + id;
  }

  /**
   * Runs the example.
   *
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (Pool pool = Pool.builder().processes(2).concurrencyPerWorker(250).build()) {
      pool.apply(() -> 0); // start-up out of the timing
      long t0 = System.nanoTime();
      List<CompletableFuture<String>> responses = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        int id = i;
        responses.add(pool.applyAsync(() -> fetch(id)));
      }
      long done = responses.stream().map(CompletableFuture::join).filter(r -> r.startsWith("response-")).count();
      System.out.printf("%d responses in %.2f s%n", done, (System.nanoTime() - t0) / 1e9);
    }
  }
}
