package dev.multiproc.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import dev.multiproc.internal.mapreduce.TopSlots;
import dev.multiproc.internal.mapreduce.CountsCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A count table answers top(k) and total() the same from reduced partitions (which carry a summary
 * of their best keys and total) as from plain ones, ties at the cut included.
 */
class CountTableTest {
  @Test
  void topAndTotal_sameWithAndWithoutSummaries_tiesIncluded() {
    SplittableRandom random = new SplittableRandom(11);
    Map<String, Long> reference = new HashMap<>();
    int partitions = 4;
    List<List<byte[]>> pieces = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      pieces.add(new ArrayList<>());
    }
    for (int run = 0; run < 3; run++) {
      ByteKeyLongTable table = new ByteKeyLongTable();
      for (int i = 0; i < 20_000; i++) {
        String key = "w" + random.nextInt(30_000);
        long amount = random.nextInt(4); // few distinct counts: many ties everywhere
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        table.add(bytes, 0, bytes.length, amount);
        reference.merge(key, amount, Long::sum);
      }
      byte[][] parts = CountsCodec.encodePartitions(table, partitions);
      for (int p = 0; p < partitions; p++) {
        pieces.get(p).add(parts[p]);
      }
    }
    CountingAggregation<Line> counting = new CountingAggregation<>(ColumnSum.of('\t', 4, 0, 2));
    List<byte[]> plain = new ArrayList<>();
    List<byte[]> reduced = new ArrayList<>();
    for (List<byte[]> partition : pieces) {
      plain.add(merge(partition));
      reduced.add(counting.reduce(partition));
    }
    reduced.set(1, plain.get(1)); // one partition unreduced, as when it had a single piece
    CountTable withSummaries = new CountTable(reduced);
    CountTable withoutSummaries = new CountTable(plain);
    List<KeyCount> expected = reference.entrySet().stream()
        .map(e -> new KeyCount(e.getKey(), e.getValue()))
        .sorted(Comparator.comparingLong(KeyCount::count).reversed().thenComparing(KeyCount::key))
        .toList();
    for (int k : new int[] {0, 1, 7, 10, 99, 100, 101, 250}) {
      assertThat(withSummaries.top(k)).as("top %d", k).isEqualTo(expected.subList(0, k));
      assertThat(withoutSummaries.top(k)).as("top %d", k).isEqualTo(expected.subList(0, k));
    }
    long total = reference.values().stream().mapToLong(Long::longValue).sum();
    assertThat(withSummaries.total()).isEqualTo(total);
    assertThat(withoutSummaries.total()).isEqualTo(total);
    assertThat(withSummaries.distinct()).isEqualTo(reference.size());
    assertThat(withSummaries.get("w42")).isEqualTo(reference.getOrDefault("w42", 0L));
  }

  @Test
  void bestSlots_areTheBestKeys_bestFirst() {
    ByteKeyLongTable table = new ByteKeyLongTable();
    for (String key : List.of("b", "a", "c", "d", "e")) {
      table.add(key.getBytes(StandardCharsets.UTF_8), 0, 1, key.equals("e") ? 9 : 5);
    }
    int[] best = TopSlots.of(table, 3);
    assertThat(best).hasSize(3);
    assertThat(List.of(table.keyAt(best[0]), table.keyAt(best[1]), table.keyAt(best[2]))).containsExactly("e", "a", "b");
    assertThat(TopSlots.of(table, 0)).isEmpty();
    assertThat(TopSlots.of(table, 10)).hasSize(5);
  }

  /** Random tables with many tied counts: the same slots, in the same order, as a full sort. */
  @Test
  void bestSlots_matchAFullSort_withTies() {
    java.util.Random random = new java.util.Random(5);
    for (int round = 0; round < 200; round++) {
      ByteKeyLongTable table = new ByteKeyLongTable();
      int keys = random.nextInt(300);
      for (int i = 0; i < keys; i++) {
        byte[] key = ("k" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8);
        table.add(key, 0, key.length, random.nextInt(20));
      }
      List<Integer> sorted = new java.util.ArrayList<>();
      for (int slot = 0; slot < table.capacity(); slot++) {
        if (table.isUsed(slot)) {
          sorted.add(slot);
        }
      }
      sorted.sort((a, b) -> table.valueAt(a) != table.valueAt(b)
          ? Long.compare(table.valueAt(b), table.valueAt(a))
          : table.keyAt(a).compareTo(table.keyAt(b)));
      int n = random.nextInt(120);
      int[] best = TopSlots.of(table, n);
      assertThat(java.util.Arrays.stream(best).boxed().toList()).as("round %d, n %d", round, n)
          .isEqualTo(sorted.subList(0, Math.min(n, sorted.size())));
    }
  }

  /** Merges blobs into one plain blob (no summary), as a reduce did before summaries. */
  private static byte[] merge(java.util.List<byte[]> runs) {
    return CountsCodec.encode(CountsCodec.mergeIntoTable(runs));
  }
}
