package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.testing.NoStrayChildren;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** ProcessPoolExecutor honours the ExecutorService contract and Python's concurrent.futures helpers. */
@ExtendWith(NoStrayChildren.class)
@Timeout(90)
class ProcessPoolExecutorTest {

  static int sleepThen(int millis, int value) throws InterruptedException {
    Thread.sleep(millis);
    return value;
  }

  /** submit of a lambda runs it in a worker; CompletableFuture composition works (asyncio.gather = allOf). */
  @Test
  void submit_andCompose() throws Exception {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
      CompletableFuture<Integer> a = executor.submit(() -> 20);
      CompletableFuture<Integer> b = executor.submit(() -> 22);
      assertThat(CompletableFuture.allOf(a, b).thenApply(v -> a.join() + b.join()).get(30, TimeUnit.SECONDS)).isEqualTo(42);
      assertThat(executor.submit(() -> ProcessHandle.current().pid()).get()).isNotEqualTo(ProcessHandle.current().pid());
    }
  }

  /** A plain (non-serializable) Callable is rejected at submission with a typed error saying how to fix it. */
  @Test
  void nonSerializableCallable_isRejected() {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(1)) {
      Callable<Integer> plain = () -> 1;
      assertThatThrownBy(() -> executor.submit(plain))
          .isInstanceOf(TaskNotSerializableException.class)
          .hasMessageContaining("SerializableCallable");
      Runnable plainRunnable = () -> {};
      assertThatThrownBy(() -> executor.execute(plainRunnable)).isInstanceOf(TaskNotSerializableException.class);
    }
  }

  /** invokeAll waits for all; invokeAny returns the first success. */
  @Test
  void invokeAll_andInvokeAny() throws Exception {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int n = i;
        tasks.add((SerializableCallable<Integer>) () -> n * n);
      }
      List<Future<Integer>> all = executor.invokeAll(tasks);
      assertThat(all).allMatch(Future::isDone);
      assertThat(all.get(5).get()).isEqualTo(25);
      List<Callable<Integer>> race =
          List.of((SerializableCallable<Integer>) () -> sleepThen(5_000, 1), (SerializableCallable<Integer>) () -> sleepThen(10, 2));
      assertThat(executor.invokeAny(race)).isEqualTo(2);
      List<Callable<Integer>> failing = List.of((SerializableCallable<Integer>) () -> { throw new IllegalStateException("x"); });
      assertThatThrownBy(() -> executor.invokeAny(failing)).isInstanceOf(ExecutionException.class);
    }
  }

  /** asCompleted yields futures in completion order, not submission order. */
  @Test
  void asCompleted_inCompletionOrder() throws Exception {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
      CompletableFuture<Integer> slow = executor.submit(() -> sleepThen(1_500, 1));
      CompletableFuture<Integer> fast = executor.submit(() -> sleepThen(10, 2));
      List<Integer> order = ProcessPoolExecutor.asCompleted(List.of(slow, fast)).map(CompletableFuture::join).toList();
      assertThat(order).containsExactly(2, 1);
    }
  }

  /** wait(FIRST_COMPLETED) returns as soon as one is done; ALL_COMPLETED when all are. */
  @Test
  void wait_returnWhen() throws Exception {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
      CompletableFuture<Integer> slow = executor.submit(() -> sleepThen(3_000, 1));
      CompletableFuture<Integer> fast = executor.submit(() -> sleepThen(10, 2));
      var first = ProcessPoolExecutor.wait(List.of(slow, fast), ProcessPoolExecutor.ReturnWhen.FIRST_COMPLETED, Duration.ofSeconds(20));
      assertThat(first.done()).containsExactly(fast);
      assertThat(first.notDone()).containsExactly(slow);
      var all = ProcessPoolExecutor.wait(List.of(slow, fast), ProcessPoolExecutor.ReturnWhen.ALL_COMPLETED, null);
      assertThat(all.notDone()).isEmpty();
    }
  }

  /** map is lazy and ordered. */
  @Test
  void map_lazyInOrder() {
    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
      List<Integer> items = IntStream.range(0, 5_000).boxed().toList();
      assertThat(executor.map(x -> x * 3, items, 100).toList()).isEqualTo(items.stream().map(x -> x * 3).toList());
      assertThat(executor.map(x -> -x, items).limit(3).toList()).containsExactly(0, -1, -2);
    }
  }

  /** shutdown rejects new work, lets queued work finish; awaitTermination and close() follow the JDK contract. */
  @Test
  void shutdown_contract() throws Exception {
    ProcessPoolExecutor executor = ProcessPoolExecutor.create(1);
    CompletableFuture<Integer> queued = executor.submit(() -> sleepThen(200, 9));
    executor.shutdown();
    assertThat(executor.isShutdown()).isTrue();
    assertThatThrownBy(() -> executor.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.isTerminated()).isTrue();
    assertThat(queued.get()).isEqualTo(9);
    executor.close(); // idempotent
  }

  /** shutdownNow kills running work; cancel(true) stops a running task and the executor goes on. */
  @Test
  void shutdownNow_andCancel() throws Exception {
    ProcessPoolExecutor executor = ProcessPoolExecutor.create(1);
    CompletableFuture<Integer> running = executor.submit(() -> sleepThen(60_000, 1));
    Thread.sleep(500);
    assertThat(running.cancel(true)).isTrue();
    assertThat(executor.submit(() -> 5).get(30, TimeUnit.SECONDS)).isEqualTo(5);
    CompletableFuture<Integer> stuck = executor.submit(() -> sleepThen(60_000, 1));
    Thread.sleep(300);
    executor.shutdownNow();
    assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(stuck).isCompletedExceptionally();
  }
}
