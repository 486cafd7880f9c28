package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.testing.NoStrayChildren;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Load without leaks, compressed for CI: 300,000 tiny tasks through imap, applyAsync bursts and
 * recycled workers, then the parent's file descriptors, threads, heap and the worker count must be
 * where they were after warm-up. (The long profile is the same with -Dmultiproc.soak.tasks=N.)
 */
@ExtendWith(NoStrayChildren.class)
@Timeout(300)
class SoakTest {
  static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  static void round(Pool pool, int tasks) throws Exception {
    Iterator<Long> squares = pool.imap((Long x) -> x * x, () -> LongStream.range(0, tasks / 2).boxed().iterator());
    long expected = 0;
    long index = 0;
    while (squares.hasNext()) {
      assertThat(squares.next()).isEqualTo(index * index);
      index++;
    }
    assertThat(index).isEqualTo(tasks / 2);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < tasks / 2; i++) {
      futures.add(pool.applyAsync((Integer n) -> n + 1, i));
      if (futures.size() == 5_000) {
        for (CompletableFuture<Integer> f : futures) {
          expected += f.get();
        }
        futures.clear();
      }
    }
    for (CompletableFuture<Integer> f : futures) {
      expected += f.get();
    }
    assertThat(expected).isPositive();
  }

  @Test
  void manyTinyTasks_leaveNoFdThreadMemoryOrWorkerGrowth() throws Exception {
    int total = Integer.getInteger("multiproc.soak.tasks", 300_000);
    int rounds = 6;
    try (Pool pool = Pool.builder().processes(2).maxTasksPerChild(40_000).build()) {
      round(pool, 20_000); // warm-up: threads, buffers and JIT settle
      long fds = openFileDescriptors();
      int threads = Thread.activeCount();
      long heap = usedHeapAfterGc();
      for (int r = 0; r < rounds; r++) {
        round(pool, total / rounds);
      }
      Thread.sleep(500); // recycled workers finish exiting
      System.out.printf("soak: %,d tasks; fds %d -> %d, platform threads %d -> %d, heap after GC %,d -> %,d bytes, workers %d%n",
          total, fds, openFileDescriptors(), threads, Thread.activeCount(), heap, usedHeapAfterGc(), pool.workerPids().size());
      assertThat(pool.workerPids()).hasSize(2);
      assertThat(openFileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(fds + 4);
      assertThat(Thread.activeCount()).as("platform threads").isLessThanOrEqualTo(threads + 2);
      assertThat(usedHeapAfterGc()).as("heap after GC").isLessThan(heap + (32L << 20));
    }
  }
}
