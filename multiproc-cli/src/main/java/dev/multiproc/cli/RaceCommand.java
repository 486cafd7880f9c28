package dev.multiproc.cli;

import dev.multiproc.cli.CounterRace.Result;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc race}: the race condition, shown. N processes increment one shared int without
 * the lock (updates are lost), with {@code getLock()} (exact) and with an atomic add (exact,
 * faster), and the command prints the three results and their rates.
 */
@Command(
    name = "race",
    mixinStandardHelpOptions = true,
    description = {
      "Python's \"Shared Data and Lock\" race: processes increment one shared int unlocked (updates get lost),",
      "with its lock (exact) and atomically (exact, faster)."
    })
final class RaceCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--processes", defaultValue = "2", description = "Processes incrementing (default: ${DEFAULT-VALUE}).")
  int processes;

  @Option(names = "--n", defaultValue = CounterRace.DEFAULT_N, description = "Increments per process (default: ${DEFAULT-VALUE}).")
  int n;

  @Override
  public Integer call() throws Exception {
    Map<String, Result> results = new LinkedHashMap<>();
    CounterRace.runAll(processes, n).forEach((mode, result) -> results.put(mode.name().toLowerCase(Locale.ROOT), result));
    if (json) {
      StringBuilder out = new StringBuilder("{");
      String sep = "";
      for (Map.Entry<String, Result> e : results.entrySet()) {
        Result r = e.getValue();
        out.append(sep)
            .append(String.format(Locale.ROOT, "\"%s\": {\"final\": %d, \"expected\": %d, \"per_second\": %.0f}", e.getKey(), r.finalCount(), r.expected(), r.perSecond()));
        sep = ", ";
      }
      System.out.println(out.append('}'));
    } else {
      System.out.printf(Locale.ROOT, "%d processes x %,d increments of one shared int%n", processes, n);
      for (Map.Entry<String, Result> e : results.entrySet()) {
        Result r = e.getValue();
        long lost = r.expected() - r.finalCount();
        System.out.printf(
            Locale.ROOT,
            "%-9s final %,13d of %,13d  %s  %,15.0f increments/s%n",
            e.getKey(),
            r.finalCount(),
            r.expected(),
            lost == 0 ? "exact          " : String.format(Locale.ROOT, "lost %,9d", lost),
            r.perSecond());
      }
    }
    return 0;
  }
}
