package dev.multiproc.mapreduce;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import dev.multiproc.internal.mapreduce.CountsCodec;
import dev.multiproc.internal.mapreduce.CountsCombiner;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A word count's map of one split, in memory, the way a worker does it: the {@link ColumnSum}
 * scanner into streamed partitions ({@link ColumnSumScanner} + {@link CountsCombiner}), against
 * the general path every other mapper takes (a {@link Line} per line, {@link ColumnSum#map}, a
 * {@link ByteKeyLongTable}, then encoding its partitions). The input is ~21 MB of 1-gram lines,
 * grouped by word with several years each, as one split of the 335 MB benchmark file; no file
 * reads, so only the CPU work is measured.
 *
 * <p>Forked C1-only, as {@code multiproc wordcount} runs its workers. (In the benchmark's package
 * for access to the package-private scanner: the shaded benchmark jar holds both.)
 *
 * <p>Run: {@code ./mvnw -q -pl multiproc-jmh -am package -DskipTests && "$(MULTIPROC_PRINT_JAVA=1
 * ./multiproc)" -jar multiproc-jmh/target/benchmarks.jar MapSplit}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"})
public class MapSplitBenchmark {
  private static final int PARTITIONS = 8;
  private static final int BLOCK_BYTES = 1 << 20; // a worker reads a split a 1 MB buffer at a time

  private final ColumnSum sum = ColumnSum.of('\t', 4, 0, 2);
  private byte[] split;
  private int[] blockEnds; // each block ends after a newline, as LineReader hands them out

  /** Builds ~21 MB of lines: words of 2-12 letters, 1-40 years each, counts up to 7 digits. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    StringBuilder text = new StringBuilder(22 << 20);
    int word = 0;
    while (text.length() < 21 << 20) {
      String key = "w" + Integer.toString(word++, 36) + "abcdefghij".substring(0, random.nextInt(1, 11));
      int years = random.nextInt(1, 41);
      for (int y = 0; y < years; y++) {
        text.append(key).append('\t').append(1800 + y).append('\t').append(random.nextInt(1, 5_000_000))
            .append('\t').append(random.nextInt(1, 900_000)).append('\n');
      }
    }
    split = text.toString().getBytes(StandardCharsets.UTF_8);
    int blocks = (split.length + BLOCK_BYTES - 1) / BLOCK_BYTES;
    blockEnds = new int[blocks];
    int at = 0;
    for (int b = 0; b < blocks; b++) {
      int end = Math.min(split.length, at + BLOCK_BYTES);
      while (end < split.length && split[end - 1] != '\n') {
        end++;
      }
      blockEnds[b] = end;
      at = end;
    }
  }

  /** {@return the partitions, through the scanner and the streaming combiner} */
  @Benchmark
  public byte[][] scanner() {
    CountsCombiner counts = new CountsCombiner(PARTITIONS, split.length / 24);
    ColumnSumScanner scanner = new ColumnSumScanner(sum);
    int from = 0;
    for (int end : blockEnds) {
      if (scanner.addLines(split, from, end, counts) != end) {
        throw new IllegalStateException("declined a line");
      }
      from = end;
    }
    return counts.finish();
  }

  /** {@return the partitions, through the general path: a line object and a table per line} */
  @Benchmark
  public byte[][] generalPath() {
    ByteKeyLongTable table = new ByteKeyLongTable(1 << 14);
    KeyCounter counter = new KeyCounter(table);
    Line line = new Line();
    int from = 0;
    for (int end : blockEnds) {
      int at = from;
      while (at < end) {
        int lineEnd = LineReader.lineEnd(split, at, end);
        line.set(split, at, LineReader.withoutCarriageReturn(split, at, lineEnd), at);
        sum.map(line, counter);
        at = lineEnd + 1;
      }
      from = end;
    }
    return CountsCodec.encodePartitions(table, PARTITIONS);
  }
}
