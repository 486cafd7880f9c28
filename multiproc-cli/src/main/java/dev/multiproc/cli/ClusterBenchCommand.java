package dev.multiproc.cli;

import dev.multiproc.Pool;
import dev.multiproc.ProcessPoolExecutor;
import dev.multiproc.hazelcast.ClusterPool;
import dev.multiproc.hazelcast.LocalCluster;
import dev.multiproc.mapreduce.CountTable;
import dev.multiproc.mapreduce.TextInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc bench cluster}: what going distributed costs on one machine. The main word
 * count on a local cluster of member JVMs (each with its own worker JVMs) against a local pool
 * with the same total number of workers, on the same file in the same run; and tiny-task executor
 * throughput on the cluster against the local pool's. Both sides answer the same counts or the
 * command fails.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "The cost of going distributed, on this machine: word count on a local cluster of N member JVMs",
      "(loopback, a random cluster name) vs a local pool with the same number of workers, same file, same run;",
      "and executor throughput (tiny tasks) on the cluster vs the local pool."
    })
final class ClusterBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--file", paramLabel = "PATH", description = "A 1-gram file to count (default: a generated one, see --lines).")
  Path file;

  @Option(names = "--lines", paramLabel = "N", description = "Lines of the generated file (default: ${DEFAULT-VALUE}).")
  long lines = 4_000_000;

  @Option(names = "--members", paramLabel = "N", description = "Member JVMs of the local cluster (default: ${DEFAULT-VALUE}).")
  int members = 3;

  @Option(names = "--workers-per-member", paramLabel = "N", description = "Worker JVMs per member (default: ${DEFAULT-VALUE}).")
  int workersPerMember = 1;

  @Option(names = "--runs", paramLabel = "N", description = "Measured word counts on each side; the median counts (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--tasks", paramLabel = "N", description = "Tasks for the executor throughput (default: ${DEFAULT-VALUE}).")
  int tasks = 5000;

  @Override
  public Integer call() throws Exception {
    Path input = (file != null ? file : NgramGenerator.sample(lines, System.err)).toAbsolutePath();
    double megabytes = Files.size(input) / 1e6;
    int workers = members * workersPerMember;
    double[] localSeconds;
    double localThroughput;
    CountTable localCounts;
    try (Pool pool = Pool.builder().processes(workers).name("bench-local").build()) {
      localCounts = wordcount(pool, input); // warm-up: page cache, JIT, AOT cache
      localSeconds = timeWordcounts(pool, input);
      localThroughput = executorThroughput(pool);
    }
    double[] clusterSeconds;
    double clusterThroughput;
    System.err.println("multiproc bench cluster: starting " + members + " member JVMs on loopback...");
    try (LocalCluster cluster = LocalCluster.start(members, workersPerMember);
        Pool pool = ClusterPool.builder(cluster.config()).name("bench-cluster").build()) {
      CountTable clusterCounts = wordcount(pool, input);
      if (clusterCounts.distinct() != localCounts.distinct() || clusterCounts.total() != localCounts.total()) {
        System.err.println("multiproc bench cluster: the cluster's counts differ from the local pool's");
        return 1;
      }
      clusterSeconds = timeWordcounts(pool, input);
      clusterThroughput = executorThroughput(pool);
    }
    double local = BenchReport.median(localSeconds);
    double cluster = BenchReport.median(clusterSeconds);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("file_mb", megabytes);
    figures.put("members", members);
    figures.put("workers", workers);
    figures.put("wordcount_local_seconds", local);
    figures.put("wordcount_cluster_seconds", cluster);
    figures.put("wordcount_local_mb_s", megabytes / local);
    figures.put("wordcount_cluster_mb_s", megabytes / cluster);
    figures.put("wordcount_cluster_over_local", cluster / local);
    figures.put("executor_local_tasks_s", localThroughput);
    figures.put("executor_cluster_tasks_s", clusterThroughput);
    figures.put("executor_local_over_cluster", localThroughput / clusterThroughput);
    print(figures);
    return 0;
  }

  private static CountTable wordcount(Pool pool, Path input) throws Exception {
    return WordCountJob.of(TextInput.files(input), false).run(pool);
  }

  private double[] timeWordcounts(Pool pool, Path input) throws Exception {
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      wordcount(pool, input);
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    return seconds;
  }

  /** Tiny tasks through the executor, all submitted at once, after as many unmeasured ones. */
  private double executorThroughput(Pool pool) {
    ProcessPoolExecutor executor = ProcessPoolExecutor.of(pool); // not shut down here: the caller closes the pool
    runTasks(executor, tasks);
    long start = System.nanoTime();
    runTasks(executor, tasks);
    return tasks / ((System.nanoTime() - start) / 1e9);
  }

  private static void runTasks(ProcessPoolExecutor executor, int count) {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = i;
      futures.add(executor.submit(() -> k + 1));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
  }

  private void print(Map<String, Object> figures) {
    if (json) {
      StringBuilder out = new StringBuilder("{");
      String sep = "";
      for (Map.Entry<String, Object> e : figures.entrySet()) {
        out.append(sep).append(Json.string(e.getKey())).append(": ")
            .append(e.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : e.getValue());
        sep = ", ";
      }
      System.out.println(out.append('}'));
      return;
    }
    System.out.printf(Locale.ROOT, "word count, %.1f MB, %d workers (cluster: %d members x %d)%n",
        (double) figures.get("file_mb"), members * workersPerMember, members, workersPerMember);
    System.out.printf(Locale.ROOT, "  local pool   %8.2f s  %8.1f MB/s%n", figures.get("wordcount_local_seconds"), figures.get("wordcount_local_mb_s"));
    System.out.printf(Locale.ROOT, "  cluster      %8.2f s  %8.1f MB/s   (%.2fx the local time)%n",
        figures.get("wordcount_cluster_seconds"), figures.get("wordcount_cluster_mb_s"), figures.get("wordcount_cluster_over_local"));
    System.out.printf(Locale.ROOT, "executor throughput, %d tiny tasks%n", tasks);
    System.out.printf(Locale.ROOT, "  local pool   %,10.0f tasks/s%n", figures.get("executor_local_tasks_s"));
    System.out.printf(Locale.ROOT, "  cluster      %,10.0f tasks/s   (local is %.1fx)%n",
        figures.get("executor_cluster_tasks_s"), figures.get("executor_local_over_cluster"));
  }
}
