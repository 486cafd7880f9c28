package dev.multiproc.cli;

import dev.multiproc.ChildProcess;
import dev.multiproc.ProcessDiedException;
import dev.multiproc.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc demo}: child processes doing real work side by side, and each way a process can
 * end (returned, threw, exited, terminated), reported the way Python reports them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run functions in child JVMs and show pids, exit codes, results and remote exceptions.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--children", defaultValue = "4", description = "Prime-counting children to run in parallel (default: ${DEFAULT-VALUE}).")
  int children;

  @Option(names = "--limit", defaultValue = "2000000", description = "Count primes below this number, split across children (default: ${DEFAULT-VALUE}).")
  int limit;

  static long countPrimes(int from, int to) {
    long count = 0;
    for (int n = Math.max(from, 2); n < to; n++) {
      boolean prime = true;
      for (int d = 2; (long) d * d <= n; d++) {
        if (n % d == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        count++;
      }
    }
    return count;
  }

  @Override
  public Integer call() throws Exception {
    if (children < 1 || limit < 2) {
      throw new IllegalArgumentException("--children must be >= 1 and --limit >= 2");
    }
    System.out.printf(Locale.ROOT, "Counting primes below %,d in %d child JVMs (this JVM is pid %d)%n%n", limit, children, ProcessHandle.current().pid());
    long t0 = System.nanoTime();
    List<ChildProcess<Long>> workers = new ArrayList<>();
    int step = (limit + children - 1) / children;
    for (int i = 0; i < children; i++) {
      int from = i * step;
      int to = Math.min(limit, from + step);
      ChildProcess<Long> p = ChildProcess.builder(() -> countPrimes(from, to)).name("primes-" + from + ".." + to).build();
      p.start();
      workers.add(p);
    }
    long total = 0;
    System.out.printf(Locale.ROOT, "%-24s %8s %9s %10s%n", "name", "pid", "exitcode", "result");
    for (ChildProcess<Long> p : workers) {
      long result = p.result();
      total += result;
      System.out.printf(Locale.ROOT, "%-24s %8d %9d %,10d%n", p.name(), p.pid().getAsLong(), p.exitCode().getAsInt(), result);
    }
    System.out.printf(Locale.ROOT, "%nprimes below %,d: %,d in %.2f s%n%n", limit, total, (System.nanoTime() - t0) / 1e9);

    System.out.println("How processes end (Python's exitcode convention):");
    ChildProcess<Object> thrower = ChildProcess.builder(() -> {
      throw new IllegalStateException("bad input in the child");
    }).name("throws").build();
    ChildProcess<Void> exiter = ChildProcess.builder(() -> System.exit(3)).name("exits-3").build();
    ChildProcess<Void> sleeper = ChildProcess.builder(() -> Thread.sleep(60_000)).name("terminated").build();
    thrower.start();
    exiter.start();
    sleeper.start();
    if (!sleeper.join(Duration.ofMillis(300))) {
      sleeper.terminate();
    }
    for (ChildProcess<?> p : List.of(thrower, exiter, sleeper)) {
      String outcome;
      try {
        outcome = String.valueOf(p.result());
      } catch (TaskFailedException e) {
        outcome = "threw " + e.getCause() + " at " + e.getCause().getStackTrace()[0];
      } catch (ProcessDiedException e) {
        outcome = e.getMessage();
      }
      System.out.printf(Locale.ROOT, "  %-11s exitcode=%-4d %s%n", p.name(), p.exitCode().getAsInt(), outcome);
    }
    return 0;
  }
}
