package dev.multiproc.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code multiproc gen-ngrams}: a deterministic synthetic 1-gram file. */
@Command(
    name = "gen-ngrams",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a deterministic synthetic file in the Google Books 1-gram layout",
      "(ngram TAB year TAB match_count TAB volume_count; Zipf-like word frequencies, many years per word,",
      "grouped by word), for trying and benchmarking wordcount without the 1.8 GB download.",
      "20,000,000 lines make about 400 MB."
    })
final class GenNgramsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "OUT", description = "The file to write (overwritten).")
  Path out;

  @Option(names = "--lines", paramLabel = "N", required = true, description = "How many lines.")
  long lines;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed; the same lines and seed give the same file (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (lines < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--lines must be >= 0, got " + lines);
    }
    long started = System.nanoTime();
    NgramGenerator.Summary summary = NgramGenerator.generate(out, lines, seed);
    System.err.printf(Locale.ROOT, "wrote %s: %,d lines, %,d words, %,d bytes in %.1f s%n",
        out, summary.lines(), summary.words(), summary.bytes(), (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
