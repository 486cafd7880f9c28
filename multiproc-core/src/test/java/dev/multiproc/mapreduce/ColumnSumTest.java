package dev.multiproc.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
   * The one-pass path counts exactly the lines the general path counts, with the same key and
   * value, and declines (adding nothing) every line the general path skips or rejects.
   */
  @Test
  void onePassPath_agreesWithTheGeneralPath_lineByLine() throws Exception {
    ColumnSum sum = ColumnSum.of('\t', 4, 0, 2);
    List<String> lines = List.of(
        "word\t1900\t5\t1", "w\t1\t-7\t2", "\u00e9t\u00e9\t2000\t9223372036854775807\t1", "w\t1\t-9223372036854775807\t1",
        "", "w\t1\t2", "w\t1\t2\t3\t4", "\t1900\t3\t1", "w\t1\t\t1", "w\t1\t-\t1", "w\t1\t12a\t1",
        "w\t1\t+5\t1", "w\t1\t9223372036854775808\t1", "w\t1\t 5\t1", "w\t\t5\t", "w 1 5 1");
    for (String text : lines) {
      byte[] bytes = ("xx" + text + "yy").getBytes(StandardCharsets.UTF_8);
      int to = bytes.length - 2;
      ByteKeyLongTable fast = new ByteKeyLongTable();
      boolean counted = sum.addIfWellFormed(bytes, 2, to, fast);
      ByteKeyLongTable general = new ByteKeyLongTable();
      Line line = new Line();
      line.set(bytes, 2, to, 0);
      boolean generalCounted;
      try {
        sum.map(line, new KeyCounter(general));
        generalCounted = general.size() == 1;
      } catch (MalformedRecordException e) {
        generalCounted = false;
      }
      assertThat(counted).as("counted: %s", text).isEqualTo(generalCounted);
      assertThat(fast.size()).as("entries: %s", text).isEqualTo(counted ? 1 : 0);
      if (counted) {
        assertThat(fast.keyAt(firstUsed(fast))).isEqualTo(general.keyAt(firstUsed(general)));
        assertThat(fast.total()).isEqualTo(general.total());
      }
    }
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
