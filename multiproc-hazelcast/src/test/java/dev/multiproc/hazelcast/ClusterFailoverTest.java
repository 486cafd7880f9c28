package dev.multiproc.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.Pool;
import dev.multiproc.mapreduce.CountTable;
import dev.multiproc.mapreduce.Fields;
import dev.multiproc.mapreduce.Job;
import dev.multiproc.mapreduce.JobListener;
import dev.multiproc.mapreduce.JobResult;
import dev.multiproc.mapreduce.KeyCounter;
import dev.multiproc.mapreduce.Line;
import dev.multiproc.mapreduce.TextInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member killed with SIGKILL in the middle of a map and of a word count: the answers are exact
 * (its tasks run again on the survivors) and its worker JVMs do not outlive it. A member that goes
 * silent (SIGSTOP) fails its tasks with MemberLostException shortly after their timeout.
 */
class ClusterFailoverTest {
  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(4, 1); // members 1, 2 and 3 each die in one test; 0 survives them all
  }

  @AfterAll
  static void stop() throws InterruptedException {
    List<ProcessHandle> left = membersAndWorkers();
    if (cluster != null) {
      cluster.close();
    }
    awaitGone(left);
  }

  /** {@return the live member JVMs and worker JVMs below this JVM (AOT training runs excepted)} */
  static List<ProcessHandle> membersAndWorkers() {
    return ProcessHandle.current().descendants()
        .filter(h -> {
          String c = h.info().commandLine().orElse("");
          return (c.contains("MemberMain") || c.contains("internal.worker.WorkerMain")) && !c.contains("aot-training") && !c.contains("AOTCacheOutput");
        })
        .toList();
  }

  static void awaitGone(List<ProcessHandle> processes) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(processes.stream().filter(ProcessHandle::isAlive).map(h -> h.pid() + " " + h.info().commandLine().orElse("?")))
        .as("processes still alive")
        .isEmpty();
  }

  static int slowTriple(int x) {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return x * 3;
  }

  /** SIGKILL of a member during map: with retries, every item's result arrives exactly once, in order. */
  @Test
  void memberKilledDuringMap_resultIsExact() throws Exception {
    List<ProcessHandle> victimsWorkers = ProcessHandle.of(cluster.memberPids().get(1)).orElseThrow().descendants().toList();
    try (Pool pool = ClusterPool.builder(cluster.config()).retries(2).build()) {
      List<Integer> items = IntStream.range(0, 100).boxed().toList(); // 100 x 100 ms over 4 workers: 2.5 s at best
      CompletableFuture<List<Integer>> result = pool.mapAsync(ClusterFailoverTest::slowTriple, items, 1);
      Thread.sleep(700);
      assertThat(result).isNotDone();
      cluster.kill(1);
      assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(items.stream().map(x -> x * 3).toList());
    }
    awaitGone(victimsWorkers); // the killed member's workers do not outlive it
  }

  /** SIGKILL of a member during a word count: its splits run again on the survivors; the counts are exact. */
  @Test
  void memberKilledDuringWordCount_countsAreExact(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ngrams.tsv");
    StringBuilder text = new StringBuilder();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 6000; i++) {
      String word = i % 100 == 0 ? "slow" : "w" + (i % 53);
      long count = i % 100 == 0 ? 1 : i;
      text.append(word).append('\t').append(1900 + i % 100).append('\t').append(count).append("\t1\n");
      expected.merge(word, count, Long::sum);
    }
    Files.writeString(file, text);
    int victim = 2;
    AtomicBoolean killed = new AtomicBoolean();
    JobListener killOnFirstProgress = new JobListener() {
      @Override
      public void onProgress(long done, long total) {
        if (killed.compareAndSet(false, true)) {
          try {
            cluster.kill(victim);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    try (Pool pool = ClusterPool.connect(cluster.config())) {
      JobResult<CountTable> result = Job.count(TextInput.files(file).splitSize(8 * 1024), (Line line, KeyCounter counts) -> {
        Fields f = line.split('\t');
        f.requireCount(4);
        if (f.get(0).equals("slow")) {
          Thread.sleep(150); // keeps every split busy long enough for the kill to land mid-job
        }
        counts.add(f, 0, f.parseLong(2));
      }).execute(pool, killOnFirstProgress);
      assertThat(killed).isTrue();
      assertThat(result.stats().retriedTasks()).as("splits of the killed member run again").isPositive();
      assertThat(result.value().toMap()).isEqualTo(expected);
    }
  }

  /** A frozen member (SIGSTOP: its connection stays open) fails its task with MemberLostException 10 s after the task's timeout. */
  @Test
  void silentMember_failsItsTasksAfterTheirTimeout() throws Exception {
    int victim = 3;
    long pid = cluster.memberPids().get(victim);
    try (Pool pool = ClusterPool.builder(cluster.config()).taskTimeout(Duration.ofSeconds(1)).build()) {
      assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
      List<CompletableFuture<Integer>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < pool.processes(); i++) { // one per member: the pool balances by tasks in flight
        futures.add(pool.applyAsync(() -> {
          Thread.sleep(60_000);
          return 0;
        }));
      }
      List<Throwable> failures = new java.util.ArrayList<>();
      for (CompletableFuture<Integer> future : futures) {
        failures.add(org.assertj.core.api.Assertions.catchThrowable(() -> future.get(40, TimeUnit.SECONDS)).getCause());
      }
      assertThat(failures).hasAtLeastOneElementOfType(dev.multiproc.MemberLostException.class);
      assertThat(failures).allMatch(f -> f instanceof dev.multiproc.TaskTimeoutException || f instanceof dev.multiproc.MemberLostException);
    } finally {
      cluster.kill(victim);
    }
  }
}
