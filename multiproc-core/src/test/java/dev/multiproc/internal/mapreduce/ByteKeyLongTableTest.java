package dev.multiproc.internal.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The counting table and its wire form against a HashMap reference. */
class ByteKeyLongTableTest {

  private static String randomKey(SplittableRandom random) {
    int length = random.nextInt(0, 20);
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < length; i++) {
      key.append(random.nextInt(8) == 0 ? 'é' : (char) ('a' + random.nextInt(4)));
    }
    return key.toString();
  }

  @Test
  void sumsPerKey_likeAHashMap_throughResizes() {
    SplittableRandom random = new SplittableRandom(7);
    ByteKeyLongTable table = new ByteKeyLongTable(4);
    Map<String, Long> reference = new HashMap<>();
    long total = 0;
    for (int i = 0; i < 200_000; i++) {
      String key = randomKey(random);
      long amount = random.nextLong(-5, 1000);
      byte[] padded = ("xx" + key + "yy").getBytes(StandardCharsets.UTF_8);
      table.add(padded, 2, padded.length - 4, amount);
      reference.merge(key, amount, Long::sum);
      total += amount;
      if (random.nextInt(3) == 0) {
        table.add(padded, 2, padded.length - 4, 1); // the same key again: the last-key fast path
        reference.merge(key, 1L, Long::sum);
        total += 1;
      }
    }
    assertThat(table.size()).isEqualTo(reference.size());
    assertThat(table.total()).isEqualTo(total);
    reference.forEach((key, sum) -> {
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      assertThat(table.get(bytes, 0, bytes.length)).as(key).isEqualTo(sum);
    });
    assertThat(table.get(new byte[] {'z', 'z'}, 0, 2)).isZero();
  }

  @Test
  void partitions_roundTrip_andSplitTheKeysDisjointly() {
    SplittableRandom random = new SplittableRandom(11);
    ByteKeyLongTable table = new ByteKeyLongTable();
    Map<String, Long> reference = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      String key = randomKey(random);
      long amount = random.nextLong(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      table.add(bytes, 0, bytes.length, amount);
      reference.merge(key, amount, Long::sum);
    }
    byte[][] blobs = CountsCodec.encodePartitions(table, 3);
    Map<String, Long> decoded = new HashMap<>();
    for (int p = 0; p < blobs.length; p++) {
      int partition = p;
      CountsCodec.forEach(blobs[p], (blob, at, length, count) -> {
        int hash = ByteKeyLongTable.hash(blob, at, length);
        assertThat(ByteKeyLongTable.partition(hash, 3)).isEqualTo(partition);
        assertThat(decoded.put(new String(blob, at, length, StandardCharsets.UTF_8), count)).isNull();
      });
    }
    assertThat(decoded).isEqualTo(reference);
    long entries = 0;
    for (byte[] blob : blobs) {
      entries += CountsCodec.entries(blob);
    }
    assertThat(entries).isEqualTo(reference.size());
  }

  /** A merge of overlapping runs equals summing everything in one map, hash collisions included. */
  @Test
  void merge_ofOverlappingRuns_sumsEqualKeys() {
    SplittableRandom random = new SplittableRandom(13);
    Map<String, Long> reference = new HashMap<>();
    java.util.List<byte[]> runs = new java.util.ArrayList<>();
    for (int run = 0; run < 12; run++) {
      ByteKeyLongTable table = new ByteKeyLongTable();
      for (int i = 0; i < 40_000; i++) {
        // 400,000 possible keys: runs overlap, and 32-bit hash collisions between keys occur (~20 expected).
        String key = "k" + random.nextInt(400_000);
        long amount = random.nextLong(-1000, 1000);
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        table.add(bytes, 0, bytes.length, amount);
        reference.merge(key, amount, Long::sum);
      }
      runs.add(CountsCodec.encodePartitions(table, 2)[1]);
      runs.add(CountsCodec.encodePartitions(table, 2)[0]);
    }
    byte[] merged = merge(java.util.List.of(merge(runs.subList(0, 7)), merge(runs.subList(7, runs.size()))));
    Map<String, Long> decoded = new HashMap<>();
    CountsCodec.forEach(merged, (blob, at, length, count) -> {
      assertThat(decoded.put(new String(blob, at, length, StandardCharsets.UTF_8), count)).isNull();
    });
    assertThat(decoded).isEqualTo(reference);
    assertThat(CountsCodec.entries(merged)).isEqualTo(reference.size());
    assertThat(CountsCodec.entries(merge(java.util.List.of()))).isZero();
  }

  @Test
  void truncatedBlob_isATypedError() {
    ByteKeyLongTable table = new ByteKeyLongTable();
    table.add("hello".getBytes(StandardCharsets.UTF_8), 0, 5, 3);
    byte[] blob = CountsCodec.encode(table);
    byte[] truncated = java.util.Arrays.copyOf(blob, blob.length - 2);
    assertThatThrownBy(() -> CountsCodec.decodeInto(truncated, new ByteKeyLongTable()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed counts blob");
  }

  /**
   * A blob with a summary reads as the same entries (the summary is invisible to entry readers and
   * to merge), and the summary gives the total and the listed slots' entries in order.
   */
  @Test
  void summary_isInvisibleToEntryReaders_andGivesTotalAndListedEntries() {
    SplittableRandom random = new SplittableRandom(5);
    ByteKeyLongTable table = new ByteKeyLongTable();
    for (int i = 0; i < 5_000; i++) {
      byte[] key = randomKey(random).getBytes(StandardCharsets.UTF_8);
      table.add(key, 0, key.length, random.nextLong(-50, 1000));
    }
    int[] listed = new int[3];
    for (int slot = 0, found = 0; found < 3; slot++) {
      if (table.isUsed(slot)) {
        listed[2 - found++] = slot; // any slots, in an order of our choosing
      }
    }
    byte[] plain = CountsCodec.encode(table);
    byte[] summarized = CountsCodec.encodeWithSummary(table, listed);
    assertThat(summarized[summarized.length - 1]).isEqualTo((byte) 0xC5);
    assertThat(CountsCodec.entries(summarized)).isEqualTo(CountsCodec.entries(plain));
    Map<String, Long> fromPlain = new HashMap<>();
    Map<String, Long> fromSummarized = new HashMap<>();
    CountsCodec.forEach(plain, (blob, at, length, count) -> fromPlain.put(new String(blob, at, length, StandardCharsets.UTF_8), count));
    CountsCodec.forEach(summarized, (blob, at, length, count) -> fromSummarized.put(new String(blob, at, length, StandardCharsets.UTF_8), count));
    assertThat(fromSummarized).isEqualTo(fromPlain);
    assertThat(CountsCodec.summaryTotal(summarized)).hasValue(table.total());
    assertThat(CountsCodec.summaryTotal(plain)).isEmpty();
    assertThat(CountsCodec.summaryCount(plain)).isEqualTo(-1);
    assertThat(CountsCodec.summaryCount(summarized)).isEqualTo(3);
    java.util.List<String> keys = new java.util.ArrayList<>();
    assertThat(CountsCodec.forEachInSummary(summarized, (blob, at, length, count) -> {
      keys.add(new String(blob, at, length, StandardCharsets.UTF_8));
      assertThat(count).isEqualTo(fromPlain.get(keys.getLast()));
    })).isEqualTo(3);
    assertThat(keys).containsExactly(table.keyAt(listed[0]), table.keyAt(listed[1]), table.keyAt(listed[2]));
    byte[] remerged = merge(java.util.List.of(summarized, plain));
    assertThat(CountsCodec.entries(remerged)).isEqualTo(CountsCodec.entries(plain));
    assertThat(CountsCodec.summaryTotal(CountsCodec.encodeWithSummary(new ByteKeyLongTable(), new int[0]))).hasValue(0);
    byte[] bad = java.util.Arrays.copyOf(summarized, summarized.length);
    bad[bad.length - 2] = 0x7F; // summary offset far past the end
    assertThatThrownBy(() -> CountsCodec.summaryTotal(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed counts blob");
  }

  /** Merges blobs into one plain blob (no summary), as a reduce did before summaries. */
  private static byte[] merge(java.util.List<byte[]> runs) {
    return CountsCodec.encode(CountsCodec.mergeIntoTable(runs));
  }
}
