package dev.multiproc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark program run as a separate process, measured from the outside the same way for
 * every contender: wall time from spawn to exit, or peak memory as the largest sum of PSS
 * (proportional set size, from {@code /proc/PID/smaps_rollup}) over the process and all its
 * descendants, sampled every 20 ms. PSS, not RSS: forked Python workers share their parent's pages,
 * and summing their RSS would count those pages once per worker.
 *
 * <p>Never both in one run: reading smaps_rollup makes the kernel walk each process's page tables,
 * and every 20 ms over three JVMs that took CPU from the program being timed on a 2-core machine
 * (measured: Multiproc's word count ran ~0.1 s slower while sampled). Timed runs are not sampled.
 *
 * @param seconds wall time
 * @param peakMegabytes peak PSS of the process tree, in MB (10^6 bytes); 0 for a timed run
 * @param output what the program printed on standard output
 */
record MeasuredRun(double seconds, double peakMegabytes, String output) {
  /** A timed run: wall time only, nothing sampled while it runs. */
  static MeasuredRun timed(List<String> command) throws IOException, InterruptedException {
    return of(command, false);
  }

  /** A memory run: peak PSS of the process tree (its wall time is not a clean figure). */
  static MeasuredRun sampled(List<String> command) throws IOException, InterruptedException {
    return of(command, true);
  }

  private static MeasuredRun of(List<String> command, boolean sampleMemory) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long[] peakKb = {0};
    Thread sampler = !sampleMemory ? null : Thread.ofPlatform().daemon().start(() -> {
      while (process.isAlive()) {
        long kb = pssKb(process.toHandle());
        for (ProcessHandle child : process.descendants().toList()) {
          kb += pssKb(child);
        }
        peakKb[0] = Math.max(peakKb[0], kb);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (sampler != null) {
      sampler.join();
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("exit code " + process.exitValue() + ": " + String.join(" ", command));
    }
    return new MeasuredRun(seconds, peakKb[0] / 1000.0, new String(out, StandardCharsets.UTF_8));
  }

  private static long pssKb(ProcessHandle process) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process ended between listing and reading: it holds no memory any more.
    }
    return 0;
  }

  /** {@return a numeric top-level field of the JSON the program printed} */
  long longField(String name) {
    return (long) field(name);
  }

  double field(String name) {
    Double value = PythonReference.numbers(output).get(name);
    if (value == null) {
      throw new IllegalStateException("no \"" + name + "\" in the output: " + output);
    }
    return value;
  }

}
