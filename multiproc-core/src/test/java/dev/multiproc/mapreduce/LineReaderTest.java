package dev.multiproc.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Line-aligned splits read every line exactly once, in order, whatever the split size: split
 * boundaries inside lines, on terminators, inside CRLF pairs and inside multi-byte characters.
 */
class LineReaderTest {
  @TempDir Path dir;

  /** The straightforward reading: split the whole text at \n, drop one \r before it, no empty last line. */
  static List<String> reference(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline;
      String line = text.substring(start, end);
      lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      start = end + 1;
    }
    return lines;
  }

  static List<String> readAll(TextInput input) throws Exception {
    List<String> lines = new ArrayList<>();
    Iterator<? extends Split<Line>> splits = input.splits(2);
    while (splits.hasNext()) {
      splits.next().read(line -> lines.add(line.toString()));
    }
    return lines;
  }

  static String randomText(SplittableRandom random, int lines, boolean crlf, boolean trailingNewline) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      int length = random.nextInt(0, random.nextInt(10) == 0 ? 300 : 12);
      for (int c = 0; c < length; c++) {
        int pick = random.nextInt(20);
        text.append(pick == 0 ? '\t' : pick == 1 ? 'ü' : pick == 2 ? '日' : (char) ('a' + pick));
      }
      if (i < lines - 1 || trailingNewline) {
        text.append(crlf && random.nextBoolean() ? "\r\n" : "\n");
      }
    }
    return text.toString();
  }

  /** The lowest marked byte, whatever marks sit above it: what numberOfTrailingZeros says. */
  @Test
  void lowestMarkedByte_isTheIndexOfTheLowestHighBit() {
    SplittableRandom random = new SplittableRandom(7);
    for (int k = 0; k < Long.BYTES; k++) {
      for (int round = 0; round < 200; round++) {
        long above = random.nextLong() & 0x8080808080808080L & (-1L << (8 * k + 8));
        long marks = (1L << (8 * k + 7)) | (k == 7 ? 0 : above);
        assertThat(LineReader.lowestMarkedByte(marks)).isEqualTo(k).isEqualTo(Long.numberOfTrailingZeros(marks) >>> 3);
      }
    }
  }

  @Test
  void everySplitSize_readsEveryLineOnce() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    for (int round = 0; round < 12; round++) {
      String text = randomText(random, random.nextInt(1, 400), round % 2 == 0, round % 3 != 0);
      Path file = dir.resolve("f" + round + ".txt");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      List<String> expected = reference(text);
      for (long splitSize : new long[] {1, 2, 3, 5, 8, 13, 64, 1000, 1 << 20}) {
        assertThat(readAll(TextInput.files(file).splitSize(splitSize)))
            .as("round %d, split size %d", round, splitSize)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void emptyFile_andNewlinesOnly() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty"));
    assertThat(readAll(TextInput.files(empty).splitSize(1))).isEmpty();
    Path newlines = Files.writeString(dir.resolve("newlines"), "\n\r\n\n");
    assertThat(readAll(TextInput.files(newlines).splitSize(1))).containsExactly("", "", "");
  }

  @Test
  void lineLongerThanTheReadBuffer() throws Exception {
    String longLine = "x".repeat(3 << 20);
    Path file = Files.writeString(dir.resolve("long"), "a\n" + longLine + "\nb");
    assertThat(readAll(TextInput.files(file).splitSize(1 << 20))).containsExactly("a", longLine, "b");
  }

  @Test
  void gzipFile_isOneSplit_readAsText() throws Exception {
    String text = randomText(new SplittableRandom(5), 5000, true, true);
    Path file = dir.resolve("f.gz");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    Files.write(file, bytes.toByteArray());
    TextInput input = TextInput.files(file).splitSize(100);
    Iterator<? extends Split<Line>> splits = input.splits(2);
    splits.next();
    assertThat(splits.hasNext()).isFalse();
    assertThat(readAll(input)).isEqualTo(reference(text));
  }

  @Test
  void locate_givesTheLineNumber() throws Exception {
    Path file = Files.writeString(dir.resolve("n.txt"), "a\nb\r\nc\nd\n");
    Iterator<? extends Split<Line>> splits = TextInput.files(file).splitSize(3).splits(1);
    List<String> located = new ArrayList<>();
    while (splits.hasNext()) {
      Split<Line> split = splits.next();
      split.read(line -> located.add(line + "@" + split.locate(line).replace(file.toString(), "")));
    }
    assertThat(located).containsExactly("a@:1", "b@:2", "c@:3", "d@:4");
  }

  @Test
  void glob_expandsInPathOrder_andMissingIsClear() throws IOException {
    Files.createDirectories(dir.resolve("data/sub"));
    Files.writeString(dir.resolve("data/b.tsv"), "x");
    Files.writeString(dir.resolve("data/a.tsv"), "x");
    Files.writeString(dir.resolve("data/c.txt"), "x");
    Files.writeString(dir.resolve("data/sub/d.tsv"), "x");
    assertThat(TextInput.expand(dir + "/data/*.tsv")).containsExactly(dir.resolve("data/a.tsv"), dir.resolve("data/b.tsv"));
    assertThat(TextInput.expand(dir + "/data/**.tsv")).hasSize(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TextInput.expand(dir + "/data/*.csv"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining("no file matches");
  }

  /** Automatic split sizes round up: no extra split of a few bytes at the end of a file. */
  @Test
  void automaticSplits_areEightPerWorker_withoutATinyRemainder() throws Exception {
    Path file = dir.resolve("sparse.tsv");
    try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(8L * (5 << 20) + 1); // a hole: only the size is read
    }
    int count = 0;
    for (Iterator<? extends Split<Line>> splits = TextInput.files(file).splits(1); splits.hasNext(); splits.next()) {
      count++;
    }
    assertThat(count).isEqualTo(8);
  }
}
