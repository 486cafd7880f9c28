package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.testing.NoStrayChildren;
import dev.multiproc.testing.PoolWorkers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pool against real worker JVMs: results, distribution, laziness, and supervision. */
@ExtendWith(NoStrayChildren.class)
@Timeout(90)
class PoolTest {

  static double spin() {
    double x = 0;
    for (int i = 0; i < 1000; i++) {
      x += Math.sqrt(i);
    }
    return x;
  }

  static long slowSquare(long x) throws InterruptedException {
    Thread.sleep(5);
    return x * x;
  }

  /** apply runs in a worker (another pid) and returns its result; applyAsync returns a future. */
  @Test
  void apply_andApplyAsync() throws Exception {
    try (Pool pool = Pool.create(2)) {
      long pid = pool.apply(() -> ProcessHandle.current().pid());
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      assertThat(pool.workerPids()).contains(pid);
      int answer = pool.apply((Integer x) -> x + 1, 41);
      assertThat(answer).isEqualTo(42);
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        futures.add(pool.applyAsync(() -> n * 2));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(futures.get(i).get()).isEqualTo(i * 2);
      }
    }
  }

  /** Callbacks run off the delivery thread and see the result or the failure. */
  @Test
  void applyAsync_callbacks() throws Exception {
    try (Pool pool = Pool.create(1)) {
      CountDownLatch done = new CountDownLatch(2);
      ConcurrentLinkedQueue<Object> seen = new ConcurrentLinkedQueue<>();
      pool.applyAsync(() -> "ok", r -> { seen.add(r); done.countDown(); }, e -> done.countDown());
      pool.applyAsync(() -> { throw new IllegalStateException("bad"); }, r -> done.countDown(), e -> { seen.add(e); done.countDown(); });
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).hasSize(2).contains("ok");
      assertThat(seen).anyMatch(e -> e instanceof TaskFailedException t && t.getCause() instanceof IllegalStateException);
    }
  }

  /**
   * Results are delivered on the reader thread when nothing depends on their future, but a stage
   * or an allOf waiting on one still runs on a virtual thread, and a slow one delays no other
   * result.
   */
  @Test
  void dependentStages_runOffTheReaderThread_andDelayNoOtherResult() throws Exception {
    try (Pool pool = Pool.create(1)) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Integer> slow = pool.applyAsync(() -> {
        Thread.sleep(200);
        return 1;
      });
      CompletableFuture<Boolean> stageThread = slow.thenApply(r -> Thread.currentThread().isVirtual());
      CompletableFuture<Boolean> blocked = slow.thenApply(r -> {
        try {
          return release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      CompletableFuture<Boolean> allOfThread =
          CompletableFuture.allOf(slow).thenApply(v -> Thread.currentThread().isVirtual());
      CompletableFuture<Integer> next = pool.applyAsync(() -> 2);
      // The same worker's next result arrives while a stage of the previous one is still blocked.
      assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(blocked).isNotDone();
      release.countDown();
      assertThat(stageThread.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(allOfThread.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(blocked.get(30, TimeUnit.SECONDS)).isTrue();
      // Many results with nobody waiting on them yet all arrive, in any order of joins.
      List<CompletableFuture<Integer>> many = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        many.add(pool.applyAsync((Integer x) -> x + 1, i));
      }
      for (int i = many.size() - 1; i >= 0; i--) {
        assertThat(many.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i + 1);
      }
    }
  }

  /**
   * A worker holds a tiny task's result back while its next task is queued, to send results in
   * batches; a long next task does not hold it back: it arrives while that task still runs.
   * A queued task cancelled before it started is answered, and the worker goes on.
   */
  @Test
  void heldBackResult_arrivesWhileTheNextTaskRuns_andQueuedTasksCanBeCancelled() throws Exception {
    try (Pool pool = Pool.create(1)) {
      List<CompletableFuture<Integer>> warm = new ArrayList<>();
      for (int i = 0; i < 500; i++) { // tiny tasks: the pool starts sending them in batches
        warm.add(pool.applyAsync((Integer x) -> x + 1, i));
      }
      for (CompletableFuture<Integer> f : warm) {
        f.get(30, TimeUnit.SECONDS);
      }
      CompletableFuture<Integer> tiny = pool.applyAsync(() -> 1);
      CompletableFuture<Integer> slow = pool.applyAsync(() -> {
        Thread.sleep(3000);
        return 2;
      });
      CompletableFuture<Integer> queuedBehind = pool.applyAsync(() -> 3);
      assertThat(tiny.get(2, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(slow).isNotDone();
      assertThat(queuedBehind.cancel(true)).isTrue();
      assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(pool.apply(() -> 4)).isEqualTo(4);
    }
  }

  /** map keeps input order, with default and explicit chunk sizes. */
  @Test
  void map_keepsOrder() throws Exception {
    List<Long> items = IntStream.range(0, 1000).mapToObj(i -> (long) i).toList();
    List<Long> expected = items.stream().map(x -> x * x).toList();
    try (Pool pool = Pool.create(2)) {
      assertThat(pool.map(x -> x * x, items)).isEqualTo(expected);
      assertThat(pool.map(x -> x * x, items, 7)).isEqualTo(expected);
      assertThat(pool.map(x -> x * x, List.<Long>of())).isEmpty();
    }
  }

  /**
   * map reports the first failing chunk in input order, whichever fails first in time, as
   * TaskFailedException (ExecutionException from get(), CompletionException from join()); an
   * empty input gives an empty (unmodifiable) list.
   */
  @Test
  void map_failure_isTheFirstFailingChunkInOrder() throws Exception {
    List<Integer> items = IntStream.range(0, 400).boxed().toList();
    try (Pool pool = Pool.create(2)) {
      dev.multiproc.function.SerializableFunction<Integer, Integer> failing = x -> {
        if (x == 390) {
          throw new IllegalStateException("late " + x);
        }
        if (x == 150) {
          java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L); // fails last in time, but comes first in order
          throw new IllegalArgumentException("first " + x);
        }
        return x;
      };
      assertThatThrownBy(() -> pool.map(failing, items, 10))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .cause().hasMessage("first 150");
      CompletableFuture<List<Integer>> async = pool.mapAsync(failing, items, 10);
      assertThatThrownBy(() -> async.get(30, TimeUnit.SECONDS))
          .isInstanceOf(java.util.concurrent.ExecutionException.class)
          .cause().isInstanceOf(TaskFailedException.class);
      assertThatThrownBy(async::join).isInstanceOf(java.util.concurrent.CompletionException.class).cause().isInstanceOf(TaskFailedException.class);
      List<Integer> none = pool.mapAsync((Integer x) -> x, List.<Integer>of(), 0).get(30, TimeUnit.SECONDS);
      assertThat(none).isEmpty();
      assertThatThrownBy(() -> none.add(1)).isInstanceOf(UnsupportedOperationException.class);
      assertThat(pool.map(x -> x + 1, items, 7)).isEqualTo(items.stream().map(x -> x + 1).toList());
    }
  }

  /**
   * map's result is unmodifiable and equal to what a plain loop gives, whatever the results are:
   * one kind of number (held unboxed), numbers of different kinds in different chunks, numbers
   * then other values, nulls, strings.
   */
  @Test
  void map_resultsOfEveryShape_equalAPlainLoop_andAreUnmodifiable() throws Exception {
    List<Integer> items = IntStream.range(0, 5000).boxed().toList();
    List<dev.multiproc.function.SerializableFunction<Integer, Object>> functions = List.of(
        x -> x * 3,
        x -> (long) x << 33,
        x -> x / 7.0,
        x -> x < 2500 ? (Object) x : (Object) (long) x, // chunks of ints, then chunks of longs
        x -> x < 4000 ? (Object) x : "s" + x, // numbers, then strings
        x -> x % 2 == 0 ? null : x,
        x -> "v" + x);
    try (Pool pool = Pool.create(2)) {
      for (dev.multiproc.function.SerializableFunction<Integer, Object> f : functions) {
        List<Object> expected = new ArrayList<>();
        items.forEach(x -> expected.add(f.apply(x)));
        List<Object> got = pool.map(f, items, 500);
        assertThat(got).isEqualTo(expected);
        assertThatThrownBy(() -> got.set(0, 1)).isInstanceOf(UnsupportedOperationException.class);
      }
    }
  }

  /** starmap applies a two-argument function to each pair, in order. */
  @Test
  void starmap_appliesPairs() throws Exception {
    try (Pool pool = Pool.create(2)) {
      List<java.util.Map.Entry<Integer, Integer>> pairs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        pairs.add(java.util.Map.entry(i, 100 - i));
      }
      List<Integer> maxima = pool.starmap(Math::max, pairs);
      assertThat(maxima).hasSize(100);
      assertThat(maxima.get(0)).isEqualTo(100);
      assertThat(maxima.get(99)).isEqualTo(99);
      assertThat(pool.starmap((String a, Integer b) -> a.repeat(b), List.of(java.util.Map.entry("ab", 2)))).containsExactly("abab");
    }
  }

  /** imap reads its input lazily, keeps a bounded window in flight, and yields in order. */
  @Test
  void imap_isLazyAndBounded() throws Exception {
    AtomicInteger read = new AtomicInteger();
    Iterable<Integer> endless =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                return read.incrementAndGet();
              }
            };
    try (Pool pool = Pool.create(2)) {
      Iterator<Integer> results = pool.imap(x -> x * 10, endless, 100);
      for (int i = 1; i <= 5000; i++) {
        assertThat(results.next()).isEqualTo(i * 10);
      }
      // window: 2 x processes x concurrency chunks of 100, beyond what was consumed
      assertThat(read.get()).isLessThanOrEqualTo(5000 + 4 * 100 + 100);
      pool.terminate();
    }
  }

  /** One million items through imap: every result, in order, with the input read lazily. */
  @Test
  void imap_millionItems() throws Exception {
    AtomicInteger read = new AtomicInteger();
    Iterable<Integer> input =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return read.get() < 1_000_000;
              }

              @Override
              public Integer next() {
                return read.getAndIncrement();
              }
            };
    try (Pool pool = Pool.create(2)) {
      Iterator<Integer> results = pool.imap(x -> x % 1000, input, 10_000);
      long sum = 0;
      int count = 0;
      int maxAhead = 0;
      while (results.hasNext()) {
        sum += results.next();
        count++;
        maxAhead = Math.max(maxAhead, read.get() - count);
      }
      assertThat(count).isEqualTo(1_000_000);
      assertThat(sum).isEqualTo(1000L * (999L * 1000 / 2));
      assertThat(maxAhead).as("items read but not yet consumed").isLessThanOrEqualTo(5 * 10_000);
    }
  }

  /** imap with an adaptive chunk size handles a long input quickly; imapUnordered yields every result. */
  @Test
  void imapAdaptive_andUnordered() throws Exception {
    List<Integer> items = IntStream.range(0, 20_000).boxed().toList();
    try (Pool pool = Pool.create(2)) {
      List<Integer> ordered = new ArrayList<>();
      pool.imap(x -> x + 1, items).forEachRemaining(ordered::add);
      assertThat(ordered).isEqualTo(items.stream().map(x -> x + 1).toList());
      Set<Integer> unordered = new HashSet<>();
      pool.imapUnordered(x -> x + 1, items.subList(0, 2000)).forEachRemaining(unordered::add);
      assertThat(unordered).hasSize(2000).contains(1, 2000);
    }
  }

  /** A task's exception arrives as the cause of TaskFailedException; the pool goes on. */
  @Test
  void taskException_arrivesAndPoolGoesOn() throws Exception {
    try (Pool pool = Pool.create(1)) {
      assertThatThrownBy(() -> pool.apply(() -> { throw new ArithmeticException("boom"); }))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(ArithmeticException.class)
          .hasMessageContaining("boom");
      assertThat(pool.apply(() -> 1)).isEqualTo(1);
    }
  }

  /** kill -9 of a worker mid-task fails only its task with WorkerCrashedException; all others complete and the pool size is restored. */
  @Test
  void killedWorker_failsOnlyItsTask() throws Exception {
    try (Pool pool = Pool.create(2)) {
      CompletableFuture<Long> victim = pool.applyAsync(() -> { Thread.sleep(60_000); return 0L; });
      List<CompletableFuture<Long>> others = new ArrayList<>();
      for (long i = 0; i < 50; i++) {
        long n = i;
        others.add(pool.applyAsync(() -> slowSquare(n)));
      }
      // find the worker running the sleeper: the one whose pid is not answering the others
      Thread.sleep(500);
      Set<Long> before = new HashSet<>(pool.workerPids());
      Set<Long> busy = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        busy.add(pool.apply(() -> ProcessHandle.current().pid()));
      }
      Set<Long> sleeping = new HashSet<>(before);
      sleeping.removeAll(busy);
      assertThat(sleeping).hasSize(1);
      long victimPid = sleeping.iterator().next();
      ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();
      assertThatThrownBy(victim::get)
          .hasCauseInstanceOf(WorkerCrashedException.class)
          .cause()
          .hasMessageContaining("pid " + victimPid)
          .hasMessageContaining("signal 9");
      for (int i = 0; i < 50; i++) {
        assertThat(others.get(i).get()).isEqualTo((long) i * i);
      }
      PoolWorkers.await(pool, Duration.ofSeconds(20), pids -> pids.size() >= 2);
      assertThat(pool.workerPids()).hasSize(2).doesNotContain(victimPid);
      assertThat(pool.apply(() -> "still working")).isEqualTo("still working");
    }
  }

  /**
   * A worker killed while tiny tasks are queued in it (the pool sends them in batches) fails at
   * most the tasks that can have started - the one running and the results it may still have held
   * back - not the whole batch: the tasks queued behind run in the replacement, and complete.
   */
  @Test
  void killedWorker_withTinyTasksQueued_failsOnlyTasksThatCanHaveStarted() throws Exception {
    try (Pool pool = Pool.create(1)) {
      teachTinyTasks(pool, 2000);
      int n = 3000;
      int killer = 1500;
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.applyAsync((Integer x) -> {
          long until = System.nanoTime() + 30_000; // still tiny, but slower than submitting: a backlog builds up in the worker
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          if (x == killer) {
            Runtime.getRuntime().halt(70); // dies at once, mid-batch: held results and queued tasks lost with it
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000_000L);
          }
          return x + 1;
        }, i));
      }
      List<Integer> failed = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        try {
          assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i + 1);
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class);
          failed.add(i);
        }
      }
      int window = dev.multiproc.internal.worker.WorkerMain.MAX_HELD_RESULTS;
      assertThat(failed).contains(killer).hasSizeLessThanOrEqualTo(window + 1);
      assertThat(failed).allMatch(i -> i >= killer - window && i <= killer + window);
      assertThat(pool.apply(() -> "still working")).isEqualTo("still working");
    }
  }

  /** A worker that exits abruptly is reported with its exit status and its last output lines. */
  @Test
  void crashReport_includesExitStatusAndLastStderr() throws Exception {
    try (Pool pool = Pool.create(1)) {
      assertThatThrownBy(
              () ->
                  pool.apply(
                      () -> {
                        System.err.println("about to fall over: disk on fire");
                        System.err.flush();
                        Thread.sleep(100);
                        Runtime.getRuntime().halt(42);
                        return 0;
                      }))
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("exit status 42")
          .hasMessageContaining("disk on fire")
          .satisfies(e -> assertThat(((WorkerCrashedException) e).exitCode()).isEqualTo(42));
      assertThat(pool.apply(() -> 1)).isEqualTo(1);
    }
  }

  /** A task that runs a small-heap worker out of memory fails with the OutOfMemoryError; the pool goes on. */
  @Test
  void outOfMemory_failsTheTaskOnly() throws Exception {
    try (Pool pool = Pool.builder().processes(1).jvmOptions("-Xmx48m").build()) {
      assertThatThrownBy(
              () ->
                  pool.apply(
                      () -> {
                        List<long[]> hog = new ArrayList<>();
                        while (true) {
                          hog.add(new long[1 << 20]);
                        }
                      }))
          .satisfies(e -> assertThat(e).isInstanceOfAny(TaskFailedException.class, WorkerCrashedException.class))
          .satisfies(e -> assertThat(e.toString() + e.getCause()).contains("OutOfMemoryError"));
      assertThat(pool.apply(() -> "fine")).isEqualTo("fine");
    }
  }

  /** With retries, a task whose worker dies runs again elsewhere; a task that kills every worker fails as a poison task. */
  @Test
  void retries_rerunCrashedTasks_andStopPoison(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path marker = dir.resolve("crashed-once");
    String path = marker.toString();
    try (Pool pool = Pool.builder().processes(2).retries(2).build()) {
      String result =
          pool.apply(
              () -> {
                java.nio.file.Path m = java.nio.file.Path.of(path);
                if (!java.nio.file.Files.exists(m)) {
                  java.nio.file.Files.createFile(m);
                  Runtime.getRuntime().halt(3); // the first attempt's worker dies
                }
                return "second attempt";
              });
      assertThat(result).isEqualTo("second attempt");
      assertThatThrownBy(() -> pool.apply(() -> { Runtime.getRuntime().halt(4); return 0; }))
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("3 workers")
          .hasMessageContaining("poison");
      assertThat(pool.apply(() -> "alive")).isEqualTo("alive");
    }
  }

  /** An endless task with a hard timeout: its worker is killed, the task fails with TaskTimeoutException, the pool goes on. */
  @Test
  void hardTimeout_killsRunawayTask() throws Exception {
    try (Pool pool = Pool.create(1)) {
      assertThatThrownBy(() -> pool.apply(() -> { while (true) { spin(); } }, Duration.ofMillis(500)))
          .isInstanceOf(TaskTimeoutException.class)
          .hasMessageContaining("PT0.5S")
          .satisfies(e -> assertThat(((TaskTimeoutException) e).threadDump()).contains("multiproc-task-").contains("hardTimeout_killsRunawayTask"));
      assertThat(pool.apply(() -> 7)).isEqualTo(7);
    }
  }

  /**
   * A hard timeout kills only its own task: tiny tasks around it (which a worker queues by the
   * dozen for batching, some behind the runaway one) all complete, none is failed or run twice.
   */
  @Test
  void hardTimeout_amongTinyTasks_failsOnlyTheRunaway() throws Exception {
    try (Pool pool = Pool.create(1)) {
      teachTinyTasks(pool, 3000);
      List<CompletableFuture<Integer>> before = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        before.add(pool.applyAsync((Integer x) -> x + 1, i));
      }
      CompletableFuture<Object> runaway = CompletableFuture.supplyAsync(() -> {
        try {
          return pool.apply(() -> { Thread.sleep(60_000); return "never"; }, Duration.ofMillis(300));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(50); // the runaway is in the worker before the rest are submitted
      List<CompletableFuture<Integer>> after = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        after.add(pool.applyAsync((Integer x) -> x + 1, i));
      }
      assertThatThrownBy(runaway::join).hasCauseInstanceOf(TaskTimeoutException.class);
      for (int i = 0; i < before.size(); i++) {
        assertThat(before.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i + 1);
      }
      for (int i = 0; i < after.size(); i++) {
        assertThat(after.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i + 1);
      }
    }
  }

  /** A failing initializer breaks the pool with PoolBrokenException instead of respawning forever. */
  @Test
  void failingInitializer_breaksPool() throws Exception {
    Pool pool = Pool.builder().processes(2).initializer(() -> { throw new IllegalStateException("no config"); }).build();
    try {
      assertThatThrownBy(() -> pool.apply(() -> 1))
          .isInstanceOf(PoolBrokenException.class)
          .hasMessageContaining("initializer failed")
          .rootCause()
          .hasMessageContaining("no config");
      assertThatThrownBy(() -> pool.applyAsync(() -> 2)).isInstanceOf(PoolBrokenException.class);
    } finally {
      pool.terminate();
      pool.join();
    }
  }

  /** The initializer runs once per worker before its tasks. */
  @Test
  void initializer_runsBeforeTasks() throws Exception {
    try (Pool pool = Pool.builder().processes(1).initializer(() -> System.setProperty("initialized", "yes")).build()) {
      assertThat(pool.apply(() -> System.getProperty("initialized"))).isEqualTo("yes");
    }
  }

  /** maxTasksPerChild recycles workers without losing or deadlocking tasks. */
  @Test
  void maxTasksPerChild_recyclesWorkers() throws Exception {
    try (Pool pool = Pool.builder().processes(2).maxTasksPerChild(3).build()) {
      List<CompletableFuture<Long>> pids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        pids.add(pool.applyAsync(() -> ProcessHandle.current().pid()));
      }
      Set<Long> distinct = new HashSet<>();
      for (CompletableFuture<Long> f : pids) {
        distinct.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(distinct.size()).isGreaterThanOrEqualTo(10);
    }
  }

  /** cancel(true) of a running task stops it (interrupt in the worker) and the pool goes on. */
  @Test
  void cancelRunningTask() throws Exception {
    try (Pool pool = Pool.create(1)) {
      CompletableFuture<Integer> running = pool.applyAsync(() -> { Thread.sleep(60_000); return 1; });
      Thread.sleep(500);
      assertThat(running.cancel(true)).isTrue();
      assertThat(pool.apply(() -> 2)).isEqualTo(2); // the worker was freed (interrupted) or replaced
    }
  }

  /** Processes x virtual threads: 2 workers x 500 concurrent 100 ms sleeps run 1,000 tasks concurrently. */
  @Test
  void concurrencyPerWorker_runsIoTasksConcurrently() throws Exception {
    try (Pool pool = Pool.builder().processes(2).concurrencyPerWorker(500).build()) {
      pool.apply(() -> 0); // workers up
      long t0 = System.nanoTime();
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        futures.add(pool.applyAsync(() -> { Thread.sleep(100); return n; }));
      }
      for (int i = 0; i < 1000; i++) {
        assertThat(futures.get(i).get()).isEqualTo(i);
      }
      // Sequentially this is 50 s per worker; concurrency must bring it far below.
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /** close() waits for submitted work; afterwards submissions are rejected and no worker is left. */
  @Test
  void close_waitsForWork_thenRejects() throws Exception {
    Pool pool = Pool.create(2);
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (long i = 0; i < 20; i++) {
      long n = i;
      futures.add(pool.applyAsync(() -> slowSquare(n)));
    }
    List<Long> pids = pool.workerPids();
    pool.close();
    for (CompletableFuture<Long> f : futures) {
      assertThat(f).isCompleted();
    }
    assertThatThrownBy(() -> pool.applyAsync(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  /** terminate() cancels queued work and kills workers at once. */
  @Test
  void terminate_killsAndCancels() throws Exception {
    Pool pool = Pool.create(1);
    CompletableFuture<Integer> running = pool.applyAsync(() -> { Thread.sleep(60_000); return 1; });
    CompletableFuture<Integer> queued = pool.applyAsync(() -> 2);
    Thread.sleep(300);
    pool.terminate();
    pool.join();
    assertThat(queued).isCompletedExceptionally();
    assertThat(running).isCompletedExceptionally();
  }

  /** A non-serializable task is refused at submission with a typed error. */
  @Test
  void nonSerializableTask_refusedAtSubmission() {
    Object notSerializable = new Object();
    try (Pool pool = Pool.create(1)) {
      assertThatThrownBy(() -> pool.applyAsync(() -> notSerializable.hashCode()))
          .isInstanceOf(TaskNotSerializableException.class)
          .hasMessageContaining("java.lang.Object");
    }
  }

  static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /**
   * A worker stopped with SIGSTOP answers no heartbeat: the pool kills it after the heartbeat
   * timeout, its task fails saying so (or runs again with retries), and the pool is whole again.
   */
  @Test
  void stoppedWorker_isDetectedByHeartbeat_andReplaced() throws Exception {
    try (Pool pool = Pool.builder().processes(1).heartbeatTimeout(Duration.ofMillis(800)).build()) {
      long pid = pool.apply(() -> ProcessHandle.current().pid());
      CompletableFuture<Long> stuck = pool.applyAsync(() -> {
        Thread.sleep(1_000);
        return 1L;
      });
      Thread.sleep(200);
      signal("STOP", pid);
      assertThatThrownBy(() -> stuck.get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(WorkerCrashedException.class)
          .cause()
          .hasMessageContaining("pid " + pid)
          .hasMessageContaining("stopped responding");
      long replacement = pool.apply(() -> ProcessHandle.current().pid());
      assertThat(replacement).isNotEqualTo(pid);
      assertThat(ProcessHandle.of(pid)).isEmpty();
    }
    try (Pool pool = Pool.builder().processes(2).retries(2).heartbeatTimeout(Duration.ofMillis(800)).build()) {
      PoolWorkers.await(pool, Duration.ofSeconds(20), pids -> pids.size() >= 2);
      List<Long> pids = new ArrayList<>(pool.workerPids());
      assertThat(pids).hasSize(2);
      CompletableFuture<String> task = pool.applyAsync(() -> {
        Thread.sleep(1_500);
        return "done in " + ProcessHandle.current().pid();
      });
      Thread.sleep(300);
      for (long pid : pids) {
        if (pool.workerPids().contains(pid)) {
          signal("STOP", pid); // both: a retry may land on the other stopped one, the next on a replacement
        }
      }
      assertThat(task.get(30, TimeUnit.SECONDS)).startsWith("done in ").isNotIn("done in " + pids.get(0), "done in " + pids.get(1));
      assertThat(pool.workerPids()).hasSize(2).doesNotContainAnyElementsOf(pids);
    }
  }

  /** A busy worker keeps answering heartbeats: a long task is not mistaken for a hung worker. */
  @Test
  void busyWorker_keepsItsHeartbeat() throws Exception {
    try (Pool pool = Pool.builder().processes(1).heartbeatTimeout(Duration.ofMillis(300)).build()) {
      long pid = pool.apply(() -> ProcessHandle.current().pid());
      assertThat(pool.apply(() -> {
        long end = System.nanoTime() + 2_000_000_000L;
        double x = 0;
        while (System.nanoTime() < end) {
          x += Math.sqrt(x + 1);
        }
        return x > 0;
      })).isTrue();
      assertThat(pool.workerPids()).containsExactly(pid);
    }
  }

  /** Runs {@code n} tiny tasks and waits for them: the pool then sends its worker tiny tasks in batches. */
  private static void teachTinyTasks(Pool pool, int n) {
    List<CompletableFuture<Integer>> warm = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      warm.add(pool.applyAsync((Integer x) -> x + 1, i));
    }
    warm.forEach(CompletableFuture::join);
  }
}
