package dev.multiproc.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a benchmark group: one entry per workload, printed as a table or as the JSON object
 * DEVELOPERS.md specifies:
 * {@code {"workloads": {"NAME": {"unit", "multiproc", "python", "better", "speedup", ...extras}}}}.
 * Speedup is always "how many times better Multiproc is": python/multiproc when lower is better,
 * multiproc/python when higher is better.
 */
final class BenchReport {
  /** Whether smaller or larger figures are better. */
  enum Better {
    LOWER,
    HIGHER
  }

  record Workload(String unit, double multiproc, double python, Better better, Map<String, Object> extras) {
    double speedup() {
      return better == Better.LOWER ? python / multiproc : multiproc / python;
    }
  }

  private final Map<String, Workload> workloads = new LinkedHashMap<>();

  void add(String name, String unit, double multiproc, double python, Better better, Map<String, Object> extras) {
    workloads.put(name, new Workload(unit, multiproc, python, better, extras));
  }

  /** Prints the report as JSON ({@code --json}) or as a table. */
  void print(boolean json, PrintStream out) {
    if (json) {
      printJson(out);
    } else {
      printTable(out);
    }
  }

  /** {@return the median of {@code values} (which it does not modify)} */
  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  void printJson(PrintStream out) {
    StringBuilder json = new StringBuilder("{\"workloads\": {");
    String sep = "";
    for (Map.Entry<String, Workload> e : workloads.entrySet()) {
      Workload w = e.getValue();
      json.append(sep).append('"').append(e.getKey()).append("\": {")
          .append("\"unit\": \"").append(w.unit()).append("\", ")
          .append("\"multiproc\": ").append(number(w.multiproc())).append(", ")
          .append("\"python\": ").append(number(w.python())).append(", ")
          .append("\"better\": \"").append(w.better().name().toLowerCase(Locale.ROOT)).append("\", ")
          .append("\"speedup\": ").append(number(w.speedup()));
      for (Map.Entry<String, Object> x : w.extras().entrySet()) {
        json.append(", \"").append(x.getKey()).append("\": ");
        json.append(x.getValue() instanceof Number n ? number(n.doubleValue()) : "\"" + x.getValue() + "\"");
      }
      json.append('}');
      sep = ", ";
    }
    out.println(json.append("}}"));
  }

  void printTable(PrintStream out) {
    out.printf(Locale.ROOT, "%-30s %12s %12s %8s  %s%n", "workload", "multiproc", "python", "speedup", "unit");
    for (Map.Entry<String, Workload> e : workloads.entrySet()) {
      Workload w = e.getValue();
      out.printf(Locale.ROOT, "%-30s %12.2f %12.2f %7.2fx  %s (%s is better)%n",
          e.getKey(), w.multiproc(), w.python(), w.speedup(), w.unit(), w.better().name().toLowerCase(Locale.ROOT));
      for (Map.Entry<String, Object> x : w.extras().entrySet()) {
        out.printf(Locale.ROOT, "    %s = %s%n", x.getKey(), x.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : x.getValue());
      }
    }
  }

  private static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
