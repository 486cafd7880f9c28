package dev.multiproc.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.Pool;
import dev.multiproc.ProcessPoolExecutor;
import dev.multiproc.TaskFailedException;
import dev.multiproc.TaskNotSerializableException;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerCrashedException;
import dev.multiproc.function.SerializableBiFunction;
import dev.multiproc.mapreduce.CountTable;
import dev.multiproc.mapreduce.Fields;
import dev.multiproc.mapreduce.Input;
import dev.multiproc.mapreduce.Job;
import dev.multiproc.mapreduce.Line;
import dev.multiproc.mapreduce.TextInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool, executor and MapReduce contract, run against every backend (a subclass per backend,
 * as JCTools runs one queue contract against every queue): what a user's code may rely on
 * whether its tasks run on this machine or on a cluster.
 */
abstract class PoolContract {
  /** {@return the pool under test, shared by the class's tests (a cluster is expensive to start)} */
  protected abstract Pool pool();

  /** apply returns the task's value. */
  @Test
  void apply_returnsTheResult() throws Exception {
    assertThat(pool().apply(() -> 6 * 7)).isEqualTo(42);
    assertThat(pool().apply((Integer x) -> x + 1, 41)).isEqualTo(42);
  }

  /** applyAsync completes its future with the value. */
  @Test
  void applyAsync_completesItsFuture() throws Exception {
    CompletableFuture<String> future = pool().applyAsync(() -> "hi from " + ProcessHandle.current().pid());
    assertThat(future.get(30, TimeUnit.SECONDS)).startsWith("hi from ").isNotEqualTo("hi from " + ProcessHandle.current().pid());
  }

  /** map returns results in input order. */
  @Test
  void map_keepsInputOrder() throws Exception {
    List<Integer> items = IntStream.range(0, 500).boxed().toList();
    assertThat(pool().map((Integer x) -> x * x, items)).isEqualTo(items.stream().map(x -> x * x).toList());
    assertThat(pool().map((Integer x) -> -x, items, 7)).isEqualTo(items.stream().map(x -> -x).toList());
  }

  /** imap yields results lazily in input order; imapUnordered yields each result once. */
  @Test
  void imap_ordered_and_imapUnordered_complete() {
    List<Integer> items = IntStream.range(0, 300).boxed().toList();
    List<Integer> ordered = new ArrayList<>();
    pool().imap((Integer x) -> x + 1, items).forEachRemaining(ordered::add);
    assertThat(ordered).isEqualTo(items.stream().map(x -> x + 1).toList());
    List<Integer> unordered = new ArrayList<>();
    Iterator<Integer> it = pool().imapUnordered((Integer x) -> x * 2, items);
    it.forEachRemaining(unordered::add);
    assertThat(unordered).containsExactlyInAnyOrderElementsOf(items.stream().map(x -> x * 2).toList());
  }

  /** starmap applies a two-argument function to each pair, in order. */
  @Test
  void starmap_appliesPairs() throws Exception {
    SerializableBiFunction<Integer, Integer, Integer> max = Math::max;
    assertThat(pool().starmap(max, List.of(Map.entry(1, 5), Map.entry(7, 2)))).containsExactly(5, 7);
  }

  /** A task's exception arrives as the cause of TaskFailedException, with its remote stack. */
  @Test
  void taskException_arrivesAsCauseWithRemoteStack() {
    assertThatThrownBy(() -> pool().apply(() -> {
      throw new IllegalStateException("boom");
    }))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(e -> assertThat(((TaskFailedException) e).remoteClassName()).isEqualTo("java.lang.IllegalStateException"))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom")
        .satisfies(cause -> assertThat(Arrays.toString(cause.getStackTrace())).contains("PoolContract.lambda$"));
  }

  /** A task past its hard timeout fails with TaskTimeoutException; the pool goes on. */
  @Test
  void taskTimeout_failsTheTaskAndThePoolGoesOn() throws Exception {
    assertThatThrownBy(() -> pool().apply(() -> {
      Thread.sleep(30_000);
      return 1;
    }, Duration.ofMillis(500)))
        .isInstanceOf(TaskTimeoutException.class);
    assertThat(pool().apply(() -> 1)).isEqualTo(1);
  }

  /** A worker that dies fails only its task, with WorkerCrashedException; the pool goes on. */
  @Test
  void workerCrash_failsOnlyItsTask() throws Exception {
    assertThatThrownBy(() -> pool().apply(() -> {
      System.exit(3);
      return 0;
    }))
        .isInstanceOf(WorkerCrashedException.class)
        .satisfies(e -> assertThat(((WorkerCrashedException) e).exitCode()).isEqualTo(3));
    assertThat(pool().apply(() -> 2)).isEqualTo(2);
  }

  /** cancel(true) on a running task cancels it where it runs; the pool goes on. */
  @Test
  void cancel_stopsARunningTask() throws Exception {
    CompletableFuture<Integer> future = pool().applyAsync(() -> {
      Thread.sleep(30_000);
      return 1;
    });
    Thread.sleep(500);
    assertThat(future.cancel(true)).isTrue();
    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
    assertThat(pool().apply(() -> 3)).isEqualTo(3);
  }

  /** The executor runs tasks; asCompleted yields every future once; invokeAll waits for all. */
  @Test
  void executor_submit_asCompleted_invokeAll() throws Exception {
    ProcessPoolExecutor executor = ProcessPoolExecutor.of(pool()); // not shut down: the pool is shared
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int k = i;
      futures.add(executor.submit(() -> k * 2));
    }
    List<Integer> done = ProcessPoolExecutor.asCompleted(futures, Duration.ofSeconds(30)).map(CompletableFuture::join).toList();
    assertThat(done).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).map(i -> i * 2).boxed().toList());
    List<Future<String>> all = executor.invokeAll(List.of((java.util.concurrent.Callable<String> & java.io.Serializable) () -> "a",
        (java.util.concurrent.Callable<String> & java.io.Serializable) () -> "b"));
    assertThat(all).allSatisfy(f -> assertThat(f.isDone()).isTrue());
    assertThat(all.get(0).get() + all.get(1).get()).isEqualTo("ab");
  }

  /** A task that cannot be serialized fails at submission, naming the culprit; nothing runs. */
  @Test
  void notSerializable_failsAtSubmission() {
    Object lock = new Object();
    assertThatThrownBy(() -> pool().applyAsync(() -> lock.hashCode()))
        .isInstanceOf(TaskNotSerializableException.class)
        .hasMessageContaining("java.lang.Object");
  }

  /** A counting job over a file gives the exact sums, whichever processes read its splits. */
  @Test
  void mapReduce_countsAFileExactly(@TempDir Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve("words.tsv");
    StringBuilder text = new StringBuilder();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      String word = "w" + (i % 37);
      text.append(word).append('\t').append(i).append('\n');
      expected.merge(word, (long) i, Long::sum);
    }
    Files.writeString(file, text);
    CountTable counts = Job.count(TextInput.files(file).splitSize(4096), (Line line, dev.multiproc.mapreduce.KeyCounter c) -> {
      Fields f = line.split('\t');
      c.add(f, 0, f.parseLong(1));
    }).run(pool());
    assertThat(counts.toMap()).isEqualTo(expected);
  }

  /** A reduceByKey job over items gives the exact answer. */
  @Test
  void mapReduce_reduceByKeyOverItems() throws IOException, InterruptedException {
    List<Integer> items = IntStream.range(0, 2000).boxed().toList();
    Map<Integer, Long> sums = Job.reduceByKey(Input.of(items, 100), (Integer x, java.util.function.BiConsumer<Integer, Long> emit) -> emit.accept(x % 10, (long) x), Long::sum)
        .partitions(3)
        .run(pool());
    Map<Integer, Long> expected = new HashMap<>();
    items.forEach(x -> expected.merge(x % 10, (long) x, Long::sum));
    assertThat(sums).isEqualTo(expected);
  }
}
