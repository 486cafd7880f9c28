package dev.multiproc.mapreduce;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import dev.multiproc.internal.mapreduce.CountsCodec;
import dev.multiproc.internal.mapreduce.CountsCombiner;
import dev.multiproc.internal.mapreduce.TopSlots;
import java.util.Arrays;
import java.util.List;

/**
 * Counting: keys are byte strings summed into {@code long}s - in a {@link ByteKeyLongTable} (the
 * combiner) for any mapper, through {@link ColumnSumScanner} and {@link CountsCombiner} for a
 * {@link ColumnSum} over text - partitions travel in the compact {@link CountsCodec} form, every
 * partition is reduced (a map task's blob may list a key twice and has no summary), and the answer
 * is a {@link CountTable} made of the reduced partitions.
 */
record CountingAggregation<T>(CountingMapper<T> mapper) implements Aggregation<T, byte[], CountTable> {
  @Override
  public List<byte[]> map(Split<T> split, int partitions, RecordGuard<T> guard) throws Exception {
    CountingMapper<T> m = mapper;
    if (m instanceof ColumnSum sum && split instanceof TextSplit text && ColumnSumScanner.supports(sum)) {
      // A buffer of lines at a time through the scanner, its runs straight into the partition
      // blobs (see CountsCombiner); a line it declines goes through the general path, which
      // counts, skips or reports it exactly as for any other mapper.
      CountsCombiner counts = new CountsCombiner(partitions, (int) Math.min(4 << 20, split.weight() / 24));
      KeyCounter counter = new KeyCounter(counts.table());
      ColumnSumScanner scanner = new ColumnSumScanner(sum);
      Line line = new Line();
      @SuppressWarnings("unchecked")
      CountingMapper<Line> lines = (CountingMapper<Line>) m;
      @SuppressWarnings("unchecked")
      RecordGuard<Line> lineGuard = (RecordGuard<Line>) guard;
      text.readBlocks((bytes, from, to, base) -> {
        int at = scanner.addLines(bytes, from, to, counts);
        while (at < to) {
          int lineEnd = LineReader.lineEnd(bytes, at, to);
          line.set(bytes, at, LineReader.withoutCarriageReturn(bytes, at, lineEnd), base + at);
          lineGuard.counted();
          mapOne(lines, line, counter, lineGuard);
          at = lineEnd + 1 < to ? scanner.addLines(bytes, lineEnd + 1, to, counts) : to;
        }
      });
      lineGuard.counted(scanner.lines());
      return Arrays.asList(counts.finish());
    }
    ByteKeyLongTable table = new ByteKeyLongTable(1 << 14);
    KeyCounter counter = new KeyCounter(table);
    split.read(record -> {
      guard.counted();
      mapOne(m, record, counter, guard);
    });
    return Arrays.asList(CountsCodec.encodePartitions(table, partitions));
  }

  private static <T> void mapOne(CountingMapper<T> m, T record, KeyCounter counter, RecordGuard<T> guard) throws Exception {
    try {
      m.map(record, counter);
    } catch (MalformedRecordException e) {
      guard.malformed(record, e);
    }
  }

  /** A map task's blobs may list a key twice (see CountsCombiner) and carry no summary. */
  @Override
  public boolean reducesLonePieces() {
    return true;
  }

  @Override
  public byte[] reduce(List<byte[]> pieces) {
    return merge(pieces);
  }

  /** {@link #reduce}, which depends on nothing but the pieces (see {@link ReduceTask}). */
  static byte[] merge(List<byte[]> pieces) {
    // The merged partition carries its total and best keys, so the parent's CountTable answers
    // total() and a top ten without scanning every key (~45 ms of serial tail for 1.26 M keys).
    ByteKeyLongTable table = CountsCodec.mergeIntoTable(pieces);
    return CountsCodec.encodeWithSummary(table, TopSlots.of(table, CountTable.SUMMARY_TOP));
  }

  @Override
  public CountTable finish(List<byte[]> partitions) {
    return new CountTable(partitions);
  }
}
