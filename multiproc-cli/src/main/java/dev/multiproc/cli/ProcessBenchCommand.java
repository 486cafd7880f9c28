package dev.multiproc.cli;

import dev.multiproc.ChildProcess;
import dev.multiproc.StartMethod;
import dev.multiproc.function.SerializableCallable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc bench process}: median start+join of a no-op child process.
 *
 * <ul>
 *   <li>{@code process_start_join}: a cold child JVM per run, against Python's {@code spawn}.
 *   <li>{@code process_start_join_standby}: {@link StartMethod#standby} with 2 processes, against
 *       Python's {@code forkserver}.
 * </ul>
 *
 * Python's {@code fork} is shown alongside for reference (a JVM cannot fork). Both sides run the
 * same number of runs after the same warm-up, with the same pause before each run (so a standby
 * refill, like a forkserver's, happens between starts, as in a service starting processes on
 * demand).
 */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    description = "Median no-op start+join: cold JVM vs Python spawn; standby JVMs vs Python forkserver (and fork).")
final class ProcessBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--runs", defaultValue = "20", description = "Measured runs per workload (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--pause-ms", defaultValue = "150", description = "Pause before each run, both sides (default: ${DEFAULT-VALUE}).")
  int pauseMillis;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || warmup < 0 || pauseMillis < 0) {
      throw new IllegalArgumentException("--runs must be >= 1, --warmup and --pause-ms >= 0");
    }
    ChildProcess.prepareStartupCache(ChildProcess.builder(noop()), Duration.ofMinutes(2));
    double cold = median(StartMethod.cold());
    double standby = median(StartMethod.standby(2));
    String[] common = {"--runs", Integer.toString(runs), "--warmup", Integer.toString(warmup), "--pause-ms", Integer.toString(pauseMillis)};
    double spawn = python("spawn", common);
    double forkserver = python("forkserver", common);
    double fork = python("fork", common);

    BenchReport report = new BenchReport();
    Map<String, Object> coldExtras = new LinkedHashMap<>();
    coldExtras.put("python_method", "spawn");
    coldExtras.put("python_fork", fork);
    coldExtras.put("runs", runs);
    report.add("process_start_join", "ms", cold, spawn, BenchReport.Better.LOWER, coldExtras);
    Map<String, Object> standbyExtras = new LinkedHashMap<>();
    standbyExtras.put("python_method", "forkserver");
    standbyExtras.put("python_fork", fork);
    standbyExtras.put("runs", runs);
    report.add("process_start_join_standby", "ms", standby, forkserver, BenchReport.Better.LOWER, standbyExtras);
    report.print(json, System.out);
    return 0;
  }

  private double median(StartMethod method) throws InterruptedException {
    double[] samples = new double[runs];
    for (int i = 0; i < warmup + runs; i++) {
      Thread.sleep(pauseMillis);
      long t0 = System.nanoTime();
      ChildProcess<Object> p = ChildProcess.builder(noop()).startMethod(method).build();
      p.start();
      p.join();
      long elapsed = System.nanoTime() - t0;
      if (p.exitCode().orElse(-1) != 0) {
        throw new IllegalStateException("no-op child exited with " + p.exitCode());
      }
      if (i >= warmup) {
        samples[i - warmup] = elapsed / 1e6;
      }
    }
    return BenchReport.median(samples);
  }

  private static double python(String method, String[] common) {
    String[] args = new String[common.length + 2];
    args[0] = "--method";
    args[1] = method;
    System.arraycopy(common, 0, args, 2, common.length);
    return PythonReference.run("process_start_join.py", "median_ms", args);
  }

  private static SerializableCallable<Object> noop() {
    return () -> null;
  }
}
