package dev.multiproc.cli;

import dev.multiproc.ChildProcess;
import dev.multiproc.Pool;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.hazelcast.ClusterConfig;
import dev.multiproc.hazelcast.ClusterPool;
import dev.multiproc.mapreduce.CountTable;
import dev.multiproc.mapreduce.JobListener;
import dev.multiproc.mapreduce.JobResult;
import dev.multiproc.mapreduce.KeyCount;
import dev.multiproc.mapreduce.MalformedInputException;
import dev.multiproc.mapreduce.TextInput;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code multiproc wordcount}: the main job, match counts per word over 1-gram files. */
@Command(
    name = "wordcount",
    mixinStandardHelpOptions = true,
    description = {
      "Sums match_count per word over files in the Google Books 1-gram layout",
      "(ngram TAB year TAB match_count TAB volume_count), as a MapReduce job on a pool of worker JVMs:",
      "each worker reads its own line-aligned byte ranges, counts, and merges one hash partition.",
      "With no FILE, generates a sample file (see gen-ngrams) and counts it."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the job failed",
      "2:invalid command-line usage",
      "65:a malformed line (use --skip-bad-lines to skip such lines)",
      "66:an input file is missing or unreadable"
    })
final class WordcountCommand implements Callable<Integer> {
  static final int EXIT_BAD_INPUT = 65;
  static final int EXIT_NO_INPUT = 66;

  /** The output formats. */
  enum Format {
    table,
    json,
    tsv
  }

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "1-gram files, plain or gzip; glob patterns such as 'data/*.gz' are expanded.")
  List<String> files = new ArrayList<>();

  @Option(names = "--workers", paramLabel = "N", description = "Worker processes (default: available processors, ${DEFAULT-VALUE}).")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--top", paramLabel = "K", description = "How many of the most frequent words to print (default: ${DEFAULT-VALUE}).")
  int top = 10;

  @Option(names = "--word", paramLabel = "W", description = "Also print the count of this word (repeatable).")
  List<String> words = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", description = "table, json or tsv (default: ${DEFAULT-VALUE}).")
  Format format = Format.table;

  @Option(names = "--output", paramLabel = "PATH", description = "Write the result to this file instead of standard output.")
  Path output;

  @Option(names = "--progress", description = "Show a progress bar on standard error even when it is not a terminal.")
  boolean progress;

  @Option(names = "--skip-bad-lines", description = "Count and skip malformed lines instead of failing.")
  boolean skipBadLines;

  @Option(names = "--split-size", paramLabel = "BYTES", description = "Bytes per split (default: chosen from the input size and worker count).")
  long splitSize;

  @Option(names = "--worker-jvm-option", paramLabel = "OPTION", description = "A JVM option for every worker, e.g. -Xmx2g (repeatable).")
  List<String> workerJvmOptions = new ArrayList<>();

  @Option(names = "--cluster", split = ",", paramLabel = "ADDRESSES",
      description = {"Run on a cluster of `multiproc member`s instead of local workers: host:port of one or more",
          "members (comma-separated). Every member must be able to read FILE at the same path."})
  List<String> cluster = new ArrayList<>();

  @Option(names = "--cluster-name", paramLabel = "N", description = "The cluster's name (required with --cluster).")
  String clusterName;

  @Option(names = "--sample-lines", paramLabel = "N", description = "Lines of the sample generated when no FILE is given (default: ${DEFAULT-VALUE}).")
  long sampleLines = 5_000_000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || top < 0 || splitSize < 0 || sampleLines < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--workers, --sample-lines must be >= 1; --top, --split-size >= 0");
    }
    if (!cluster.isEmpty() && (clusterName == null || clusterName.isBlank())) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--cluster needs --cluster-name (the name its members were started with)");
    }
    if (!cluster.isEmpty() && spec.commandLine().getParseResult().hasMatchedOption("--workers")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--workers is for local runs; on a cluster, each member's --workers counts");
    }
    PrintStream err = System.err;
    List<Path> paths;
    try {
      if (files.isEmpty()) {
        err.println("No FILE given: counting a generated sample (see multiproc gen-ngrams --help)");
        paths = List.of(NgramGenerator.sample(sampleLines, err));
      } else {
        paths = resolve(files);
      }
    } catch (NoSuchFileException | AccessDeniedException e) {
      return noInput(err, e);
    }
    // Members resolve the paths themselves: make them absolute (the same path on every machine).
    TextInput input = TextInput.files(cluster.isEmpty() ? paths : paths.stream().map(Path::toAbsolutePath).toList());
    if (splitSize > 0) {
      input = input.splitSize(splitSize);
    }
    Phases.mark("parsed arguments");
    JobResult<CountTable> result;
    try (Pool pool = cluster.isEmpty()
            ? localPool()
            : ClusterPool.builder(ClusterConfig.of(clusterName, cluster)).name("wordcount").build();
        Progress bar = Progress.start(progress || Terminal.stderrIsTerminal(), input.weight())) {
      Phases.mark("pool started");
      workers = pool.processes(); // on a cluster: the members' workers, for the report
      result = WordCountJob.of(input, skipBadLines).execute(pool, bar);
      Phases.mark("job done");
      if (cluster.isEmpty()) {
        // The answer is in and the workers hold nothing else: killing them takes ~1 ms, where
        // their orderly exit (which close() waits for) took ~20 ms of every run.
        pool.terminate();
      }
    } catch (NoSuchFileException | AccessDeniedException e) {
      return noInput(err, e);
    } catch (MalformedInputException e) {
      err.println("multiproc wordcount: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    Phases.mark("pool closed");
    String text = render(paths, result);
    if (output != null) {
      Files.writeString(output, text, StandardCharsets.UTF_8);
    } else {
      System.out.print(text);
      System.out.flush();
    }
    Phases.mark("printed");
    if (result.stats().malformedRecords() > 0) {
      err.printf(Locale.ROOT, "multiproc wordcount: skipped %d malformed lines, e.g.%n", result.stats().malformedRecords());
      result.stats().malformedSamples().forEach(sample -> err.println("  " + sample));
    }
    if (cluster.isEmpty()) {
      finishWorkerStartupCache();
    }
    return 0;
  }

  /**
   * The first run after a new build (or with new worker options) starts training the workers'
   * start-up cache (AOT) in the background, and a word count is usually over before the cache is
   * written: every later run would start cold again. So a run without a cache waits for it, once,
   * after printing its answer (a few seconds); later runs find it and return at once.
   */
  private void finishWorkerStartupCache() {
    SerializableCallable<Object> noop = () -> null;
    ChildProcess.prepareStartupCache(ChildProcess.builder(noop).jvmOptions(workerOptions()), Duration.ofSeconds(20));
  }

  /** The workers started while the command line was parsed, if they match it, else new ones. */
  private Pool localPool() throws InterruptedException {
    List<String> options = workerOptions(workerJvmOptions);
    Pool early = WorkerPrestart.take(workers, options);
    return early != null ? early : Pool.builder().processes(workers).name("wordcount").jvmOptions(options.toArray(String[]::new)).build();
  }

  private String[] workerOptions() {
    return workerOptions(workerJvmOptions).toArray(String[]::new);
  }

  /**
   * The workers' JVM options: C1 only (as the launcher runs this parent), then the user's, which
   * win where they repeat one. The workers run only library code here (ColumnSum's scanner), which
   * C1 compiles in a few ms; C2 spends far more CPU compiling it, on the same 2 cores the mapping
   * needs. Measured on the 20,000,000-line file, medians of 8 interleaved runs: 1.00 s wall and
   * 1.86 s CPU with C1-only workers, 1.54 s and 2.89 s with tiered ones ({@code
   * --worker-jvm-option=-XX:TieredStopAtLevel=4}).
   *
   * @param userOptions the options given with --worker-jvm-option
   * @return the options to start workers with
   */
  static List<String> workerOptions(List<String> userOptions) {
    List<String> options = new ArrayList<>();
    options.add("-XX:TieredStopAtLevel=1");
    options.addAll(userOptions);
    return List.copyOf(options);
  }

  private static int noInput(PrintStream err, IOException e) {
    String why = e instanceof AccessDeniedException ? "cannot read" : "no such file";
    err.println("multiproc wordcount: " + why + ": " + e.getMessage());
    return EXIT_NO_INPUT;
  }

  private static List<Path> resolve(List<String> arguments) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (String argument : arguments) {
      Path path = Path.of(argument);
      if (!Files.exists(path) && argument.matches(".*[*?\\[{].*")) {
        paths.addAll(TextInput.expand(argument));
      } else {
        paths.add(path);
      }
    }
    return paths;
  }

  private String render(List<Path> paths, JobResult<CountTable> result) {
    CountTable counts = result.value();
    List<KeyCount> best = counts.top(top);
    double seconds = result.stats().elapsed().toNanos() / 1e9;
    long bytes = result.stats().inputWeight();
    StringBuilder out = new StringBuilder();
    switch (format) {
      case json -> {
        out.append("{\"files\": [");
        for (int i = 0; i < paths.size(); i++) {
          out.append(i == 0 ? "" : ", ").append(Json.string(paths.get(i).toString()));
        }
        out.append(String.format(Locale.ROOT, "], \"bytes\": %d, \"seconds\": %.3f, \"distinct\": %d, \"total\": %d, \"top\": [",
            bytes, seconds, counts.distinct(), counts.total()));
        for (int i = 0; i < best.size(); i++) {
          out.append(i == 0 ? "" : ", ")
              .append("{\"word\": ").append(Json.string(best.get(i).key()))
              .append(", \"count\": ").append(best.get(i).count()).append('}');
        }
        out.append("], \"words\": {");
        for (int i = 0; i < words.size(); i++) {
          out.append(i == 0 ? "" : ", ").append(Json.string(words.get(i))).append(": ").append(counts.get(words.get(i)));
        }
        out.append(String.format(Locale.ROOT, "}, \"workers\": %d, \"malformed_lines\": %d}%n", workers, result.stats().malformedRecords()));
      }
      case tsv -> {
        out.append("# top ").append(top).append('\n');
        best.forEach(kc -> out.append(kc.key()).append('\t').append(kc.count()).append('\n'));
        if (!words.isEmpty()) {
          out.append("# words\n");
          words.forEach(w -> out.append(w).append('\t').append(counts.get(w)).append('\n'));
        }
      }
      case table -> {
        out.append(String.format(Locale.ROOT, "%d file(s), %.1f MB in %.2f s (%.1f MB/s) on %d workers%n",
            paths.size(), bytes / 1e6, seconds, bytes / 1e6 / seconds, workers));
        out.append(String.format(Locale.ROOT, "distinct words: %,d   total matches: %,d%n", counts.distinct(), counts.total()));
        if (!best.isEmpty()) {
          out.append(String.format(Locale.ROOT, "%n%5s  %-24s %20s%n", "rank", "word", "match_count"));
          for (int i = 0; i < best.size(); i++) {
            out.append(String.format(Locale.ROOT, "%5d  %-24s %,20d%n", i + 1, best.get(i).key(), best.get(i).count()));
          }
        }
        if (!words.isEmpty()) {
          out.append(String.format(Locale.ROOT, "%n%-31s %20s%n", "word", "match_count"));
          words.forEach(w -> out.append(String.format(Locale.ROOT, "%-31s %,20d%n", w, counts.get(w))));
        }
      }
    }
    return out.toString();
  }

  /** A progress bar on standard error (bytes done, MB/s, ETA), or nothing. */
  private static final class Progress implements JobListener, AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
      this.bar = bar;
    }

    static Progress start(boolean show, long totalBytes) {
      if (!show) {
        return new Progress(null);
      }
      ProgressBar bar = new ProgressBarBuilder()
          .setTaskName("wordcount")
          .setInitialMax(totalBytes)
          .setUnit(" MB", 1_000_000)
          .showSpeed()
          .setStyle(ProgressBarStyle.ASCII)
          .setConsumer(new ConsoleProgressBarConsumer(System.err))
          .setUpdateIntervalMillis(200)
          .build();
      return new Progress(bar);
    }

    @Override
    public void onProgress(long done, long total) {
      Phases.mark("progress " + done);
      if (bar != null) {
        bar.stepTo(done);
      }
    }

    @Override
    public void onRetry(String task, Throwable cause) {
      System.err.println("multiproc wordcount: a worker died; running " + task + " again (" + cause.getMessage() + ")");
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
