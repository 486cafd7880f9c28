package dev.multiproc.internal.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The map side's combiner: streamed while keys do not come back, combined once they do. */
class CountsCombinerTest {
  @Test
  void distinctRuns_areStreamed_eachKeyInItsPartition() {
    CountsCombiner counts = new CountsCombiner(4, 1 << 10);
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < 3 * CountsCombiner.RUNS_BEFORE_JUDGING; i++) {
      String key = "word-" + i;
      add(counts, key, i, 12); // a word's years, as in the n-gram files
      expected.put(key, (long) i);
    }
    assertThat(counts.combining()).isFalse();
    byte[][] blobs = counts.finish();
    assertThat(contents(List.of(blobs))).isEqualTo(expected);
    for (int p = 0; p < blobs.length; p++) {
      int partition = p;
      CountsCodec.forEach(blobs[p], (blob, keyAt, length, count) ->
          assertThat(ByteKeyLongTable.partition(ByteKeyLongTable.hash(blob, keyAt, length), 4)).isEqualTo(partition));
    }
  }

  @Test
  void keysThatComeBack_switchToCombining_andSumsStayExact() {
    CountsCombiner counts = new CountsCombiner(3, 1 << 10);
    Map<String, Long> expected = new TreeMap<>();
    Random random = new Random(11);
    for (int i = 0; i < 4 * CountsCombiner.RUNS_BEFORE_JUDGING; i++) {
      String key = "k" + random.nextInt(500); // few keys, in no order: most runs repeat one
      add(counts, key, i);
      expected.merge(key, (long) i, Long::sum);
    }
    assertThat(counts.combining()).isTrue();
    byte[][] blobs = counts.finish();
    long entries = 0;
    for (byte[] blob : blobs) {
      entries += CountsCodec.entries(blob);
    }
    assertThat(entries).as("combined: far fewer entries than runs").isLessThan(CountsCombiner.RUNS_BEFORE_JUDGING + 1000);
    assertThat(contents(List.of(blobs))).isEqualTo(expected);
  }

  /**
   * Keys that come back too far apart for the filter to see (every key once in 100,000, one record
   * per run): short runs alone stop the streaming, so the blobs stay one entry per key.
   */
  @Test
  void shortRuns_switchToCombining_evenWhenRepeatsAreFarApart() {
    CountsCombiner counts = new CountsCombiner(2, 1 << 10);
    Map<String, Long> expected = new TreeMap<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 100_000; i++) {
        add(counts, "url-" + i, 1, 1);
        expected.merge("url-" + i, 1L, Long::sum);
      }
    }
    assertThat(counts.combining()).isTrue();
    byte[][] blobs = counts.finish();
    long entries = CountsCodec.entries(blobs[0]) + CountsCodec.entries(blobs[1]);
    assertThat(entries).as("one entry per key, plus what streamed before the switch").isLessThanOrEqualTo(100_000 + CountsCombiner.RUNS_BEFORE_JUDGING);
    assertThat(contents(List.of(blobs))).isEqualTo(expected);
  }

  @Test
  void addsThroughTheTable_joinTheStreamedOnes() {
    CountsCombiner counts = new CountsCombiner(2, 64);
    add(counts, "a", 5);
    add(counts, "b", 1);
    byte[] a = "a".getBytes(StandardCharsets.UTF_8);
    counts.table().add(a, 0, 1, 2);
    assertThat(counts.combining()).isFalse();
    assertThat(contents(List.of(counts.finish()))).isEqualTo(Map.of("a", 7L, "b", 1L));
  }

  private static void add(CountsCombiner counts, String key, long amount) {
    add(counts, key, amount, 1);
  }

  private static void add(CountsCombiner counts, String key, long amount, int records) {
    byte[] bytes = ("..." + key).getBytes(StandardCharsets.UTF_8);
    counts.add(bytes, 3, bytes.length - 3, amount, records);
  }

  private static Map<String, Long> contents(List<byte[]> blobs) {
    ByteKeyLongTable merged = CountsCodec.mergeIntoTable(blobs);
    Map<String, Long> map = new TreeMap<>();
    for (int slot = 0; slot < merged.capacity(); slot++) {
      if (merged.isUsed(slot)) {
        map.put(merged.keyAt(slot), merged.valueAt(slot));
      }
    }
    return map;
  }
}
