package dev.multiproc.cli;

import dev.multiproc.ChildProcess;
import dev.multiproc.Pool;
import dev.multiproc.ProcessPoolExecutor;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.function.SerializableFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc bench pool}: Pool and ProcessPoolExecutor against Python's {@code
 * multiprocessing.Pool} and {@code concurrent.futures.ProcessPoolExecutor} (both with 2 processes
 * and the {@code spawn} start method), measured the same way in the same run by {@code
 * bench/python/pool.py}. Both sides measure the same way: each throughput workload is repeated
 * unmeasured for {@code --warmup-seconds} (at least once), as JMH warms a benchmark up, then run
 * {@code --runs} measured times, and the median run is reported; the first, cold run is reported
 * beside it ({@code multiproc_cold}, {@code python_cold}), so what the warm-up hides is visible.
 * The latency workload warms up the same way with single applies.
 */
@Command(
    name = "pool",
    mixinStandardHelpOptions = true,
    description = "Pool start-up, apply latency, applyAsync/executor/map throughput and CPU speedup vs Python's Pool(2).")
final class PoolBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--processes", defaultValue = "2", description = "Worker processes on both sides (default: ${DEFAULT-VALUE}).")
  int processes;

  @Option(names = "--tasks", defaultValue = "50000", description = "Tiny tasks for the throughput workloads (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--map-items", defaultValue = "1000000", description = "Items for map (default: ${DEFAULT-VALUE}).")
  int mapItems;

  @Option(names = "--warmup-seconds", defaultValue = "2", description = "Unmeasured repetitions of each workload for this long first, on both sides (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--runs", defaultValue = "5", description = "Measured runs of each throughput workload, on both sides; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--latency-calls", defaultValue = "2000", description = "Sequential applies for latency (default: ${DEFAULT-VALUE}).")
  int latencyCalls;

  /** Python does ~100x fewer loop iterations in the same time; the speedup is a ratio within each side. */
  private static final int PYTHON_CPU_ITERATIONS = 1_500_000;
  private static final long JAVA_CPU_ITERATIONS = 150_000_000L;
  private static final int CPU_TASKS = 8;
  private static final int CPU_REPEATS = 5;
  private static final int MAP_CHUNKSIZE = 10_000;

  static long burn(long n) {
    long total = 0;
    for (long i = 0; i < n; i++) {
      total += i * i % 7;
    }
    return total;
  }

  @Override
  public Integer call() throws Exception {
    if (processes < 1 || tasks < 1 || mapItems < 1 || runs < 1 || latencyCalls < 10 || !(warmupSeconds >= 0)) {
      throw new IllegalArgumentException(
          "--processes, --tasks, --map-items, --runs must be >= 1, --latency-calls >= 10 and --warmup-seconds >= 0");
    }
    SerializableCallable<Object> noop = () -> null;
    ChildProcess.prepareStartupCache(ChildProcess.builder(noop), Duration.ofMinutes(2));
    Map<String, Double> ours = new LinkedHashMap<>();

    double[] startups = new double[5];
    for (int i = 0; i < startups.length; i++) {
      long t0 = System.nanoTime();
      Pool pool = Pool.create(processes);
      pool.apply(noop);
      startups[i] = (System.nanoTime() - t0) / 1e6;
      pool.terminate();
      pool.join();
    }
    ours.put("pool_startup", BenchReport.median(startups));

    try (Pool pool = Pool.create(processes)) {
      long warmUntil = System.nanoTime() + (long) (warmupSeconds * 1e9);
      // One function for warm-up and measurement, as Python's `inc`: a second lambda would be a
      // new class for the worker to load and the JIT to compile inside the measured calls.
      SerializableFunction<Integer, Integer> inc = x -> x + 1;
      for (int i = 0; i < latencyCalls || System.nanoTime() < warmUntil; i++) { // unmeasured, as on the Python side
        pool.apply(inc, i);
      }
      double[] latencies = new double[latencyCalls];
      for (int i = 0; i < latencyCalls; i++) {
        long t0 = System.nanoTime();
        pool.apply(inc, i);
        latencies[i] = (System.nanoTime() - t0) / 1e3;
      }
      Arrays.sort(latencies);
      ours.put("apply_latency_p50", percentile(latencies, 50));
      ours.put("apply_latency_p99", percentile(latencies, 99));

      measure(ours, "apply_async_throughput", tasks, () -> applyAsyncAll(pool));

      List<Integer> items = IntStream.range(0, mapItems).boxed().toList();
      measure(ours, "map_throughput", mapItems, () -> pool.map((Integer x) -> x * 2, items, MAP_CHUNKSIZE));
    }

    try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(processes)) {
      executor.submit(noop).join();
      measure(ours, "executor_throughput", tasks, () -> submitAll(executor));
    }

    double[] speedups = new double[CPU_REPEATS]; // a ratio of two ~1 s runs, noisy on a 2-core VM: the median of five
    for (int i = 0; i < speedups.length; i++) {
      speedups[i] = cpuSeconds(1) / cpuSeconds(processes);
    }
    ours.put("cpu_speedup", BenchReport.median(speedups));

    Map<String, Double> python =
        PythonReference.runAll(
            "pool.py",
            "--processes", Integer.toString(processes),
            "--tasks", Integer.toString(tasks),
            "--map-items", Integer.toString(mapItems),
            "--map-chunksize", Integer.toString(MAP_CHUNKSIZE),
            "--latency-calls", Integer.toString(latencyCalls),
            "--runs", Integer.toString(runs),
            "--warmup-seconds", Double.toString(warmupSeconds),
            "--cpu-tasks", Integer.toString(CPU_TASKS),
            "--cpu-repeats", Integer.toString(CPU_REPEATS),
            "--cpu-iterations", Integer.toString(PYTHON_CPU_ITERATIONS));

    BenchReport report = new BenchReport();
    add(report, ours, python, "pool_startup", "ms", BenchReport.Better.LOWER);
    add(report, ours, python, "apply_latency_p50", "us", BenchReport.Better.LOWER);
    add(report, ours, python, "apply_latency_p99", "us", BenchReport.Better.LOWER);
    add(report, ours, python, "apply_async_throughput", "tasks/s", BenchReport.Better.HIGHER);
    add(report, ours, python, "executor_throughput", "tasks/s", BenchReport.Better.HIGHER);
    add(report, ours, python, "map_throughput", "items/s", BenchReport.Better.HIGHER);
    add(report, ours, python, "cpu_speedup", "x", BenchReport.Better.HIGHER);
    report.print(json, System.out);
    return 0;
  }

  /**
   * Times the first (cold) run, repeats the workload unmeasured until the warm-up time is over,
   * then times {@code runs} runs: puts {@code name} (per second, from the median run) and {@code
   * name_cold} (from the first run).
   */
  private void measure(Map<String, Double> out, String name, int items, Workload workload) throws InterruptedException {
    long t0 = System.nanoTime();
    workload.run();
    long cold = System.nanoTime() - t0;
    long warmUntil = t0 + (long) (warmupSeconds * 1e9);
    while (System.nanoTime() < warmUntil) {
      workload.run();
    }
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      workload.run();
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    out.put(name, items / BenchReport.median(seconds));
    out.put(name + "_cold", items / (cold / 1e9));
  }

  /** A measured piece of work. */
  @FunctionalInterface
  private interface Workload {
    void run() throws InterruptedException;
  }

  private void applyAsyncAll(Pool pool) {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      futures.add(pool.applyAsync((Integer x) -> x + 1, i));
    }
    futures.forEach(CompletableFuture::join);
  }

  private void submitAll(ProcessPoolExecutor executor) {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      int n = i;
      futures.add(executor.submit(() -> n + 1));
    }
    ProcessPoolExecutor.asCompleted(futures).forEach(CompletableFuture::join);
  }

  private double cpuSeconds(int workers) throws InterruptedException {
    // Each worker burns once at start, long enough for its JIT to finish compiling burn: else the
    // first task of each worker runs ~50 ms slower while C2 compiles it, which on 2 cores
    // competes with the other worker (and with nothing in a pool of one), skewing the ratio.
    try (Pool pool = Pool.builder().processes(workers).initializer(() -> burn(JAVA_CPU_ITERATIONS / 3)).build()) {
      pool.map(PoolBenchCommand::burn, List.of(1_000_000L, 1_000_000L), 1); // workers up and JIT warm
      List<Long> work = new ArrayList<>();
      for (int i = 0; i < CPU_TASKS; i++) {
        work.add(JAVA_CPU_ITERATIONS);
      }
      long t0 = System.nanoTime();
      pool.map(PoolBenchCommand::burn, work, 1);
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private static void add(BenchReport report, Map<String, Double> ours, Map<String, Double> python, String name, String unit, BenchReport.Better better) {
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("python_impl", name.startsWith("executor") ? "ProcessPoolExecutor(2)" : "multiprocessing.Pool(2)");
    if (ours.containsKey(name + "_cold")) {
      extras.put("multiproc_cold", ours.get(name + "_cold"));
      extras.put("python_cold", python.getOrDefault(name + "_cold", Double.NaN));
    }
    report.add(name, unit, ours.get(name), python.getOrDefault(name, Double.NaN), better, extras);
  }

  /** Nearest-rank percentile of sorted values, as the Python script computes it. */
  private static double percentile(double[] sorted, double p) {
    int k = (int) Math.round(p / 100.0 * sorted.length + 0.5) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
  }
}
