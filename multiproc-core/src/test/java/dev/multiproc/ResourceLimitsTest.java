package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.testing.NoStrayChildren;
import dev.multiproc.testing.PoolWorkers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Resource exhaustion inside a worker stays inside that worker: the parent and the pool go on. */
@ExtendWith(NoStrayChildren.class)
@Timeout(120)
class ResourceLimitsTest {

  static int allocateWithoutBound() {
    List<long[]> hoard = new ArrayList<>();
    while (true) {
      hoard.add(new long[1 << 20]);
    }
  }

  /** An OutOfMemoryError fails only its task (the error as cause), and the worker is replaced by a fresh JVM. */
  @Test
  void outOfMemoryInATask_failsThatTask_andRetiresTheWorker() throws Exception {
    try (Pool pool = Pool.builder().processes(2).jvmOptions("-Xmx48m").build()) {
      PoolWorkers.await(pool, Duration.ofSeconds(30), pids -> pids.size() >= 2);
      List<Long> before = List.copyOf(pool.workerPids());
      List<CompletableFuture<Integer>> bystanders = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        bystanders.add(pool.applyAsync(() -> n));
      }
      assertThatThrownBy(() -> pool.apply(ResourceLimitsTest::allocateWithoutBound))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(OutOfMemoryError.class)
          .hasMessageContaining("Java heap space");
      for (int i = 0; i < 50; i++) {
        assertThat(bystanders.get(i).get()).isEqualTo(i);
      }
      // The worker that hit the error retires; the pool is whole again with fresh JVMs.
      PoolWorkers.await(pool, Duration.ofSeconds(30), pids -> pids.size() >= 2 && !pids.containsAll(before)); // a replacement is starting
      assertThat(pool.workerPids()).hasSize(2).isNotEqualTo(before); // one of them is a fresh JVM
    }
  }

  /** A JVM that dies of its OutOfMemoryError (ExitOnOutOfMemoryError) is a crash of that worker, reported with its last words. */
  @Test
  void outOfMemoryThatKillsTheJvm_isAWorkerCrash_withItsLastWords() throws Exception {
    try (Pool pool = Pool.builder().processes(1).jvmOptions("-Xmx48m", "-XX:+ExitOnOutOfMemoryError").build()) {
      assertThatThrownBy(() -> pool.apply(ResourceLimitsTest::allocateWithoutBound))
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("exit status 3")
          .hasMessageContaining("OutOfMemoryError");
      assertThat(pool.apply(() -> 42)).isEqualTo(42);
    }
  }

  /** A result larger than a message may be is a clear task failure in the worker, never a parent out of memory. */
  @Test
  void hugeResult_isAClearError() throws Exception {
    try (Pool pool = Pool.builder().processes(1).build()) {
      assertThatThrownBy(() -> pool.apply(() -> new byte[300 << 20]))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("exceeds the limit of 268435456 bytes")
          .hasMessageContaining("raise maxMessageBytes");
      assertThat(pool.apply(() -> 42)).isEqualTo(42);
    }
  }
}
