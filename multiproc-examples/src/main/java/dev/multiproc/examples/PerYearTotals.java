package dev.multiproc.examples;

import dev.multiproc.Pool;
import dev.multiproc.mapreduce.CountTable;
import dev.multiproc.mapreduce.Fields;
import dev.multiproc.mapreduce.Job;
import dev.multiproc.mapreduce.KeyCounter;
import dev.multiproc.mapreduce.Line;
import dev.multiproc.mapreduce.TextInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * MapReduce beyond word count: total matches per year, and the busiest decades, over 1-gram
 * files ({@code word TAB year TAB match_count TAB volume_count}). Python's version:
 * <pre>
 * def per_year(lines):
 *     totals = Counter()
 *     for line in lines:
 *         word, year, matches, volumes = line.split("\t")
 *         totals[int(year)] += int(matches)
 *     return totals
 * with Pool() as pool:
 *     totals = functools.reduce(operator.add, pool.map(per_year, chunks))
 * </pre>
 * Here the workers read their own byte ranges of the file, and {@code reduceByKey} merges the
 * per-chunk maps by hash partition in the workers.
 */
public final class PerYearTotals {
  private PerYearTotals() {}

  /**
   * Runs the example.
   *
   * @param args 1-gram files; none: a small generated one
   * @throws Exception if a file cannot be read
   */
  public static void main(String[] args) throws Exception {
    TextInput input = args.length > 0 ? TextInput.files(Path.of(args[0])) : TextInput.files(sampleFile()).splitSize(4096);
    try (Pool pool = Pool.create(2)) {
      Map<Integer, Long> perYear = Job.reduceByKey(input, (Line line, BiConsumer<Integer, Long> emit) -> {
            Fields f = line.split('\t');
            f.requireCount(4);
            emit.accept((int) f.parseLong(1), f.parseLong(2));
          }, Long::sum)
          .run(pool);
      System.out.println("matches per year: " + new TreeMap<>(perYear));

      CountTable decades = Job.count(input, (Line line, KeyCounter counts) -> {
            Fields f = line.split('\t');
            counts.add((f.parseLong(1) / 10 * 10) + "s", f.parseLong(2));
          })
          .run(pool);
      System.out.println("busiest decade: " + decades.top(1).getFirst());
    }
  }

  /** Writes 3 words x 30 years: the word {@code w} has {@code w + 1} matches every year. */
  private static Path sampleFile() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < 3; w++) {
      for (int year = 1990; year < 2020; year++) {
        text.append("word").append(w).append('\t').append(year).append('\t').append(w + 1).append("\t1\n");
      }
    }
    Path file = Files.createTempFile("per-year-", ".tsv");
    file.toFile().deleteOnExit();
    return Files.writeString(file, text);
  }
}
