package dev.multiproc.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import dev.multiproc.internal.mapreduce.CountsCodec;
import dev.multiproc.internal.mapreduce.CountsCombiner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ready-made column-sum mapper, and the rehearsal that trains workers' start-up cache on it. */
class ColumnSumTest {
  @TempDir Path dir;

  @Test
  void sumsTheValueColumnPerKey_andRejectsMalformedLines() throws Exception {
    Path file = dir.resolve("a.tsv");
    Files.writeString(file, "b\t1900\t5\t1\nb\t1901\t7\t1\n\na\t1900\t-2\t1\n", StandardCharsets.UTF_8);
    ByteKeyLongTable table = new ByteKeyLongTable();
    KeyCounter counter = new KeyCounter(table);
    ColumnSum sum = ColumnSum.of('\t', 4, 0, 2);
    List<String> malformed = new ArrayList<>();
    Iterator<? extends Split<Line>> splits = TextInput.files(file).splits(1);
    while (splits.hasNext()) {
      splits.next().read(line -> sum.map(line, counter));
    }
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.get("b".getBytes(StandardCharsets.UTF_8), 0, 1)).isEqualTo(12);
    assertThat(table.get("a".getBytes(StandardCharsets.UTF_8), 0, 1)).isEqualTo(-2);

    Path bad = dir.resolve("bad.tsv");
    Files.writeString(bad, "x\t1\t2\n\t1900\t3\t1\ny\t1900\tmany\t1\n", StandardCharsets.UTF_8);
    splits = TextInput.files(bad).splits(1);
    while (splits.hasNext()) {
      splits.next().read(line -> {
        try {
          sum.map(line, counter);
        } catch (MalformedRecordException e) {
          malformed.add(e.getMessage());
        }
      });
    }
    assertThat(malformed).hasSize(3);
    assertThat(malformed.get(1)).contains("empty key in field 1");
  }

  @Test
  void columnsOutOfRange_orANonAsciiSeparator_areRejected() {
    assertThatThrownBy(() -> ColumnSum.of('\t', 4, 4, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyColumn=4");
    assertThatThrownBy(() -> ColumnSum.of('\t', 2, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ColumnSum.of('é', 2, 0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ASCII");
  }

  /** The rehearsal checks its own answer and throws when it is wrong. */
  @Test
  void rehearsal_countsItsFileRight() throws Exception {
    JobRehearsal.run();
  }

  /**
   * The scanner adds only lines the general path counts, with the same key and value, declines
   * (adding nothing) every line the general path skips or rejects, and declines a well-formed line
   * only for a 19-digit value; with and without a
   * {@code \r} before the newline, and as the last line of a block without a newline.
   */
  @Test
  void scanner_agreesWithTheGeneralPath_lineByLine() throws Exception {
    ColumnSum sum = ColumnSum.of('\t', 4, 0, 2);
    List<String> lines = List.of(
        "word\t1900\t5\t1", "w\t1\t-7\t2", "\u00e9t\u00e9\t2000\t9223372036854775807\t1", "w\t1\t-9223372036854775807\t1",
        "", "w\t1\t2", "w\t1\t2\t3\t4", "\t1900\t3\t1", "w\t1\t\t1", "w\t1\t-\t1", "w\t1\t12a\t1",
        "w\t1\t+5\t1", "w\t1\t9223372036854775808\t1", "w\t1\t 5\t1", "w\t\t5\t", "w 1 5 1",
        "w\t1\t12345678\t1", "w\t1\t123456789\t1", "w\t1\t999999999999999999\t1", "w\t1\t1:\t1", "w\t1\t1/\t1",
        "a-long-key-of-many-bytes\t1\t3\t1", "w\r\t1\t3\t1", "w\t1\t3\t1\r");
    for (String text : lines) {
      for (String ending : List.of("\n", "\r\n", "")) {
        if (text.isEmpty() && ending.isEmpty()) {
          continue; // no line at all
        }
        byte[] bytes = ("xx" + text + ending + "yy").getBytes(StandardCharsets.UTF_8);
        int to = bytes.length - 2;
        CountsCombiner fastCounts = new CountsCombiner(1, 64);
        ColumnSumScanner scanner = new ColumnSumScanner(sum);
        int stop = scanner.addLines(bytes, 2, to, fastCounts);
        ByteKeyLongTable fast = CountsCodec.mergeIntoTable(List.of(fastCounts.finish()));
        boolean counted = stop == to;
        ByteKeyLongTable general = new ByteKeyLongTable();
        Line line = new Line();
        int lineEnd = LineReader.lineEnd(bytes, 2, to);
        line.set(bytes, 2, LineReader.withoutCarriageReturn(bytes, 2, lineEnd), 0);
        boolean generalCounted;
        try {
          sum.map(line, new KeyCounter(general));
          generalCounted = general.size() == 1;
        } catch (MalformedRecordException e) {
          generalCounted = false;
        }
        String what = text + ending.replace("\r", "CR").replace("\n", "LF");
        if (counted) {
          assertThat(generalCounted).as("the general path rejects: %s", what).isTrue();
        } else if (generalCounted) {
          // Declining a line is always safe (the general path then takes it); the scanner does so
          // for a well-formed line only when its value has more digits than can never overflow.
          assertThat(text).as("declined: %s", what).matches("(?s)[^\t]*\t[^\t]*\t-?[0-9]{19,}\t.*");
        }
        assertThat(stop).as("stop: %s", what).isEqualTo(counted ? to : 2);
        assertThat(scanner.lines()).isEqualTo(counted ? 1 : 0);
        assertThat(fast.size()).as("entries: %s", what).isEqualTo(counted ? 1 : 0);
        if (counted) {
          assertThat(fast.keyAt(firstUsed(fast))).isEqualTo(general.keyAt(firstUsed(general)));
          assertThat(fast.total()).isEqualTo(general.total());
        }
      }
    }
  }

  /**
   * Random blocks of lines (runs of equal keys, keys of 1 to 20 bytes, values of 1 to 19 digits,
   * CRLF, malformed lines among them) give the same sums through the scanner, with declined lines
   * handed to the general path, as through the general path alone.
   */
  @Test
  void scanner_withFallback_matchesTheGeneralPath_onRandomBlocks() throws Exception {
    Random random = new Random(42);
    String[] broken = {"", "w\t1\t2", "w\t1\tx\t1", "\t1\t2\t3", "w\t1\t2\t3\t4", "w\t1\t99999999999999999999\t1"};
    for (int round = 0; round < 300; round++) {
      char separator = round % 3 == 0 ? ',' : '\t';
      ColumnSum sum = ColumnSum.of(separator, 4, round % 2, 2);
      StringBuilder text = new StringBuilder();
      int lineCount = 1 + random.nextInt(400);
      String key = "k";
      for (int n = 0; n < lineCount; n++) {
        if (random.nextInt(4) == 0) {
          key = randomKey(random);
        }
        String lineText;
        if (random.nextInt(25) == 0) {
          lineText = broken[random.nextInt(broken.length)].replace('\t', separator);
        } else {
          String value = (random.nextInt(10) == 0 ? "-" : "") + randomDigits(random);
          lineText = key + separator + random.nextInt(2000) + separator + value + separator + random.nextInt(99);
        }
        text.append(lineText).append(random.nextInt(5) == 0 ? "\r\n" : "\n");
      }
      if (random.nextBoolean()) {
        text.setLength(text.length() - 1); // no newline after the last line
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      CountsCombiner fastCounts = new CountsCombiner(3, 1 << 10);
      ByteKeyLongTable general = new ByteKeyLongTable();
      ColumnSumScanner scanner = new ColumnSumScanner(sum);
      long[] declinedAndMalformed = new long[2];
      int at = scanner.addLines(bytes, 0, bytes.length, fastCounts);
      Line line = new Line();
      while (at < bytes.length) {
        int lineEnd = LineReader.lineEnd(bytes, at, bytes.length);
        line.set(bytes, at, LineReader.withoutCarriageReturn(bytes, at, lineEnd), at);
        declinedAndMalformed[0]++;
        try {
          sum.map(line, new KeyCounter(fastCounts.table()));
        } catch (MalformedRecordException e) {
          declinedAndMalformed[1]++;
        }
        at = lineEnd + 1 < bytes.length ? scanner.addLines(bytes, lineEnd + 1, bytes.length, fastCounts) : bytes.length;
      }
      long generalLines = 0;
      long generalMalformed = 0;
      int from = 0;
      while (from < bytes.length) {
        int lineEnd = LineReader.lineEnd(bytes, from, bytes.length);
        line.set(bytes, from, LineReader.withoutCarriageReturn(bytes, from, lineEnd), from);
        generalLines++;
        try {
          sum.map(line, new KeyCounter(general));
        } catch (MalformedRecordException e) {
          generalMalformed++;
        }
        from = lineEnd + 1;
      }
      assertThat(scanner.lines() + declinedAndMalformed[0]).as("round %d", round).isEqualTo(generalLines);
      assertThat(declinedAndMalformed[1]).as("round %d", round).isEqualTo(generalMalformed);
      ByteKeyLongTable fast = CountsCodec.mergeIntoTable(List.of(fastCounts.finish()));
      assertThat(contents(fast)).as("round %d", round).isEqualTo(contents(general));
    }
  }

  private static String randomKey(Random random) {
    StringBuilder key = new StringBuilder();
    int length = 1 + random.nextInt(random.nextBoolean() ? 8 : 20);
    for (int i = 0; i < length; i++) {
      key.append(random.nextInt(10) == 0 ? '\u00e9' : (char) ('a' + random.nextInt(3)));
    }
    return key.toString();
  }

  private static String randomDigits(Random random) {
    StringBuilder digits = new StringBuilder();
    int length = 1 + random.nextInt(random.nextInt(4) == 0 ? 19 : 9);
    for (int i = 0; i < length; i++) {
      digits.append((char) ('0' + random.nextInt(10)));
    }
    return digits.toString();
  }

  private static Map<String, Long> contents(ByteKeyLongTable table) {
    Map<String, Long> map = new TreeMap<>();
    for (int slot = 0; slot < table.capacity(); slot++) {
      if (table.isUsed(slot)) {
        map.put(table.keyAt(slot), table.valueAt(slot));
      }
    }
    map.put("(total)", table.total());
    return map;
  }

  private static int firstUsed(ByteKeyLongTable table) {
    for (int slot = 0; slot < table.capacity(); slot++) {
      if (table.isUsed(slot)) {
        return slot;
      }
    }
    throw new AssertionError("empty table");
  }
}
