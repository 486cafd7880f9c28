package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.spi.PoolBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Pool over a backend other than the local worker JVMs (an in-process fake, so no JVM starts):
 * the pool delegates to it, honours retries itself, and rejects the settings of worker JVMs.
 */
class PoolBackendTest {
  /** Runs tasks on threads of this JVM; the first {@code deaths} tasks "lose their member". */
  static final class ThreadBackend implements PoolBackend {
    final ExecutorService threads = Executors.newFixedThreadPool(3);
    final AtomicInteger deaths;
    final AtomicInteger submitted = new AtomicInteger();
    volatile boolean terminated;

    ThreadBackend(int deaths) {
      this.deaths = new AtomicInteger(deaths);
    }

    @Override
    public <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout) {
      submitted.incrementAndGet();
      CompletableFuture<R> result = new CompletableFuture<>();
      threads.execute(() -> {
        if (deaths.getAndDecrement() > 0) {
          result.completeExceptionally(new MemberLostException("member 10.0.0.9:5701 left", "10.0.0.9:5701", null));
          return;
        }
        try {
          result.complete(task.call());
        } catch (Exception e) {
          result.completeExceptionally(new TaskFailedException("task", e.getClass().getName(), e));
        }
      });
      return result;
    }

    @Override
    public int parallelism() {
      return 3;
    }

    @Override
    public void shutdown() {
      threads.shutdown();
    }

    @Override
    public void terminate() {
      terminated = true;
      threads.shutdownNow();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
      return threads.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isShutdown() {
      return threads.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return threads.isTerminated();
    }
  }

  /** apply, map and the executor go through the backend; processes() is its parallelism. */
  @Test
  void pool_delegatesToTheBackend() throws Exception {
    ThreadBackend backend = new ThreadBackend(0);
    try (Pool pool = Pool.builder().backend(backend).build()) {
      assertThat(pool.processes()).isEqualTo(3);
      assertThat(pool.isLocal()).isFalse();
      assertThat(pool.workerPids()).isEmpty();
      assertThat(pool.apply(() -> 42)).isEqualTo(42);
      List<Integer> items = IntStream.range(0, 100).boxed().toList();
      assertThat(pool.map((Integer x) -> x + 1, items)).isEqualTo(items.stream().map(x -> x + 1).toList());
      assertThat(ProcessPoolExecutor.of(pool).submit(() -> "e").get()).isEqualTo("e");
      assertThatThrownBy(() -> pool.apply(() -> {
        throw new IllegalStateException("x");
      })).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IllegalStateException.class);
    }
    assertThat(backend.isTerminated()).isTrue();
  }

  /** retries(n) re-runs a task whose member left, on a backend that does not retry by itself. */
  @Test
  void retries_rerunTasksWhoseMemberLeft() throws Exception {
    ThreadBackend backend = new ThreadBackend(2);
    try (Pool pool = Pool.builder().backend(backend).retries(2).build()) {
      assertThat(pool.apply(() -> "survived")).isEqualTo("survived");
      assertThat(backend.submitted).hasValue(3);
    }
  }

  /** Without retries, a member's loss fails the task with MemberLostException. */
  @Test
  void noRetries_memberLossFailsTheTask() {
    try (Pool pool = Pool.builder().backend(new ThreadBackend(1)).build()) {
      assertThatThrownBy(() -> pool.apply(() -> 1))
          .isInstanceOf(MemberLostException.class)
          .isInstanceOf(WorkerCrashedException.class)
          .satisfies(e -> assertThat(((MemberLostException) e).member()).isEqualTo("10.0.0.9:5701"));
    }
  }

  /** Worker JVM settings are rejected for a backend, naming them; the backend is released. */
  @Test
  void workerSettings_areRejected() {
    ThreadBackend backend = new ThreadBackend(0);
    assertThatThrownBy(() -> Pool.builder().backend(backend).processes(2).initializer(() -> {}).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processes, initializer");
    assertThat(backend.terminated).isTrue();
  }

  /** A URI whose scheme no provider handles is rejected, saying what to add. */
  @Test
  void unknownScheme_isRejected() {
    assertThatThrownBy(() -> Pool.builder().cluster("nope://127.0.0.1:1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no backend for nope://");
    assertThatThrownBy(() -> Pool.builder().cluster("127.0.0.1:5701"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
