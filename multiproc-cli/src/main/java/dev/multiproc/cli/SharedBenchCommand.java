package dev.multiproc.cli;

import dev.multiproc.cli.CounterRace.Mode;
import dev.multiproc.cli.CounterRace.Result;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc bench shared}: P processes x N increments of one shared counter, against
 * Python's {@code multiprocessing.Value('i')} ({@code bench/python/shared_counter.py}) with the
 * same P in the same run. Each side runs enough increments to reach its steady rate: 20 million per
 * process for Multiproc (fewer finish within one scheduler time slice, see {@link CounterRace}),
 * 1 million for Python (as many take Python over a second).
 *
 * <ul>
 *   <li>{@code counter_unlocked}: {@code c.set(c.get() + 1)} vs Python's {@code v.value += 1}; both
 *       lose updates (the {@code final} figures show how many).
 *   <li>{@code counter_locked}: under {@code c.getLock()} vs {@code with v.get_lock():}; both exact.
 *   <li>{@code counter_atomic}: {@code c.incrementAndGet()}, against Python's locked increment
 *       (Python has no atomic add: the lock is its only exact way).
 * </ul>
 */
@Command(
    name = "shared",
    mixinStandardHelpOptions = true,
    description = "Shared counter increments/s, unlocked / locked / atomic, vs Python's Value('i') with and without get_lock().")
final class SharedBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--processes", defaultValue = "2", description = "Processes incrementing, both sides (default: ${DEFAULT-VALUE}).")
  int processes;

  @Option(names = "--n", defaultValue = CounterRace.DEFAULT_N, description = "Increments per Multiproc process (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--python-n", defaultValue = "1000000", description = "Increments per Python process (default: ${DEFAULT-VALUE}).")
  int pythonN;

  @Override
  public Integer call() throws Exception {
    if (pythonN < 1) {
      throw new IllegalArgumentException("--python-n must be >= 1");
    }
    Map<Mode, Result> ours = CounterRace.runAll(processes, n);
    Map<String, Double> python =
        PythonReference.runAll("shared_counter.py", "--processes", Integer.toString(processes), "--n", Integer.toString(pythonN));

    BenchReport report = new BenchReport();
    add(report, "counter_unlocked", ours.get(Mode.UNLOCKED), python, "unlocked", "v.value += 1");
    add(report, "counter_locked", ours.get(Mode.LOCKED), python, "locked", "with v.get_lock(): v.value += 1");
    add(report, "counter_atomic", ours.get(Mode.ATOMIC), python, "locked", "with v.get_lock(): v.value += 1 (no atomic add in Python)");
    report.print(json, System.out);
    return 0;
  }

  private static void add(BenchReport report, String name, Result ours, Map<String, Double> python, String pythonRun, String pythonCode) {
    Double rate = python.get(pythonRun + "_per_second");
    Double fin = python.get(pythonRun + "_final");
    Double expected = python.get("expected");
    if (rate == null || fin == null || expected == null) {
      throw new IllegalStateException("python reference shared_counter.py printed no " + pythonRun + " figures");
    }
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("multiproc_final", ours.finalCount());
    extras.put("multiproc_expected", ours.expected());
    extras.put("python_final", fin);
    extras.put("python_expected", expected);
    extras.put("python_code", pythonCode);
    report.add(name, "increments/s", ours.perSecond(), rate, BenchReport.Better.HIGHER, extras);
  }
}
