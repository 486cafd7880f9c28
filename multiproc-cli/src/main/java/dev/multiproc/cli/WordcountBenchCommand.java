package dev.multiproc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc bench wordcount}: the main job end to end against the textbook Python version
 * ({@code bench/python/wordcount.py}) and a hand-written single-purpose Java program ({@link
 * HandWrittenWordCount}), each as its own process on the same file in the same run, measured from
 * outside by {@link MeasuredRun}. All three must report the same distinct-word count and total.
 */
@Command(
    name = "wordcount",
    mixinStandardHelpOptions = true,
    description = {
      "Word count end to end (process start to exit) on a generated or given 1-gram file:",
      "multiproc wordcount vs the textbook Python MapReduce (ProcessPoolExecutor + run_in_executor + gather +",
      "functools.reduce) vs a hand-written single-purpose Java program; throughput (timed runs) and peak",
      "memory (PSS, from one separate sampled run of each: sampling takes CPU from what it samples)."
    })
final class WordcountBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--file", paramLabel = "PATH", description = "A 1-gram file to count (default: a generated one, see --lines).")
  Path file;

  @Option(names = "--lines", paramLabel = "N", description = "Lines of the generated file (default: ${DEFAULT-VALUE}, about 330 MB).")
  long lines = 20_000_000;

  @Option(names = "--workers", paramLabel = "N", description = "Worker processes or threads on every side (default: ${DEFAULT-VALUE}).")
  int workers = 2;

  @Option(names = "--runs", paramLabel = "N", description = "Runs of each Java program; the median counts (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--python-runs", paramLabel = "N", description = "Runs of the Python reference (default: ${DEFAULT-VALUE}).")
  int pythonRuns = 1;

  @Override
  public Integer call() throws Exception {
    Path input = file != null ? file : NgramGenerator.sample(lines, System.err);
    double megabytes = Files.size(input) / 1e6;
    String javaBinary = ProcessHandle.current().info().command().orElse("java");
    String classPath = System.getProperty("java.class.path");
    // Exactly what ./multiproc wordcount runs (see the launcher: the coordinating parent is C1-only,
    // and uses the tool's AOT cache when the launcher has one).
    String cliCache = System.getProperty("multiproc.cli.aot");
    List<String> multiproc = new ArrayList<>(List.of(javaBinary, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
    multiproc.addAll(cliCache != null ? List.of("-XX:AOTCache=" + cliCache, "-Xlog:aot=off", "-Xlog:cds=off") : List.of("-Xshare:auto"));
    multiproc.addAll(List.of("-XX:TieredStopAtLevel=1", "-Dmultiproc.home=" + System.getProperty("multiproc.home", "."), "-cp", classPath,
        MultiprocCommand.class.getName(), "wordcount", input.toString(), "--workers", Integer.toString(workers), "--format", "json"));
    List<String> baseline = List.of(javaBinary, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-cp", classPath,
        HandWrittenWordCount.class.getName(), input.toString(), Integer.toString(workers));
    List<String> python = PythonReference.command("wordcount.py", input.toString(), "--workers", Integer.toString(workers));

    MeasuredRun.timed(multiproc); // warms the page cache and Multiproc's AOT cache for every contender alike
    // Memory first, in runs of their own (sampling costs CPU; see MeasuredRun), then the timed runs.
    MeasuredRun oursMemory = MeasuredRun.sampled(multiproc);
    MeasuredRun handWrittenMemory = MeasuredRun.sampled(baseline);
    MeasuredRun theirMemory = MeasuredRun.sampled(python);
    List<MeasuredRun> ours = new ArrayList<>();
    List<MeasuredRun> handWritten = new ArrayList<>();
    List<MeasuredRun> theirs = new ArrayList<>();
    for (int i = 0; i < Math.max(runs, pythonRuns); i++) {
      if (i < runs) {
        ours.add(MeasuredRun.timed(multiproc));
        handWritten.add(MeasuredRun.timed(baseline));
      }
      if (i < pythonRuns) {
        theirs.add(MeasuredRun.timed(python));
      }
    }
    MeasuredRun reference = theirs.getFirst();
    for (MeasuredRun run : concat(ours, handWritten, theirs, List.of(oursMemory, handWrittenMemory, theirMemory))) {
      if (run.longField("distinct") != reference.longField("distinct") || run.longField("total") != reference.longField("total")) {
        System.err.println("multiproc bench wordcount: the programs disagree:\n" + run.output() + "\n" + reference.output());
        return 1;
      }
    }
    double oursSeconds = median(ours, MeasuredRun::seconds);
    double baselineSeconds = median(handWritten, MeasuredRun::seconds);
    double pythonSeconds = median(theirs, MeasuredRun::seconds);
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("file_mb", megabytes);
    extras.put("distinct", reference.longField("distinct"));
    extras.put("total", reference.longField("total"));
    extras.put("multiproc_seconds", oursSeconds);
    extras.put("python_seconds", pythonSeconds);
    extras.put("handwritten_seconds", baselineSeconds);
    extras.put("handwritten_mb_s", megabytes / baselineSeconds);
    extras.put("of_handwritten", baselineSeconds / oursSeconds);
    extras.put("workers", workers);
    BenchReport report = new BenchReport();
    report.add("wordcount_throughput", "MB/s", megabytes / oursSeconds, megabytes / pythonSeconds, BenchReport.Better.HIGHER, extras);
    Map<String, Object> memoryExtras = new LinkedHashMap<>();
    memoryExtras.put("handwritten_mb", handWrittenMemory.peakMegabytes());
    report.add("wordcount_peak_memory", "MB", oursMemory.peakMegabytes(), theirMemory.peakMegabytes(),
        BenchReport.Better.LOWER, memoryExtras);
    report.print(json, System.out);
    return 0;
  }

  @SafeVarargs
  private static List<MeasuredRun> concat(List<MeasuredRun>... lists) {
    List<MeasuredRun> all = new ArrayList<>();
    for (List<MeasuredRun> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  private static double median(List<MeasuredRun> runs, java.util.function.ToDoubleFunction<MeasuredRun> figure) {
    return BenchReport.median(runs.stream().mapToDouble(figure).toArray());
  }
}
