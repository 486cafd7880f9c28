package dev.multiproc.mapreduce;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import dev.multiproc.internal.mapreduce.CountsCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ObjLongConsumer;

/**
 * The answer of a counting job: a {@code long} count per key, held as the compact hash partitions
 * the reduce tasks produced, so millions of keys cost neither a {@code Long} nor a {@code String}
 * each until asked for, and {@link #top} needs no hash table at all.
 *
 * <p>Immutable once returned; safe to read from several threads.
 *
 * <pre>{@code
 * CountTable counts = Job.count(input, mapper).run(pool);
 * counts.get("Amsterdam");          // 0 when absent
 * counts.top(10);                   // by count, descending; ties by key
 * }</pre>
 */
public final class CountTable {
  private static final Comparator<KeyCount> BY_COUNT_THEN_KEY =
      Comparator.comparingLong(KeyCount::count).reversed().thenComparing(KeyCount::key);

  /** How many best keys a reduced partition lists in its summary (see {@link dev.multiproc.internal.mapreduce.TopSlots}). */
  static final int SUMMARY_TOP = 100;

  /** One compact blob per hash partition, as the reduce tasks returned them. */
  private final List<byte[]> partitions;

  /** Partitions decoded into hash tables on first lookup: a job whose caller wants only the top keys never builds them. */
  private final AtomicReferenceArray<ByteKeyLongTable> tables;

  private volatile long total = -1;

  CountTable(List<byte[]> partitions) {
    this.partitions = List.copyOf(partitions);
    this.tables = new AtomicReferenceArray<>(partitions.size());
  }

  /**
   * Returns a key's count. The first lookup in a partition decodes it into a hash table.
   *
   * @param key the key
   * @return its count, or 0 when the key never occurred
   */
  public long get(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int hash = ByteKeyLongTable.hash(bytes, 0, bytes.length);
    return table(ByteKeyLongTable.partition(hash, partitions.size())).get(bytes, 0, bytes.length);
  }

  private ByteKeyLongTable table(int partition) {
    ByteKeyLongTable table = tables.get(partition);
    if (table == null) {
      byte[] blob = partitions.get(partition);
      table = new ByteKeyLongTable((int) Math.min(1 << 26, CountsCodec.entries(blob)));
      CountsCodec.decodeInto(blob, table);
      if (!tables.compareAndSet(partition, null, table)) {
        table = tables.get(partition);
      }
    }
    return table;
  }

  /** {@return the number of distinct keys} */
  public long distinct() {
    long distinct = 0;
    for (byte[] partition : partitions) {
      distinct += CountsCodec.entries(partition);
    }
    return distinct;
  }

  /** {@return the sum of all counts} */
  public long total() {
    long sum = total;
    if (sum < 0) {
      long[] acc = {0};
      for (byte[] partition : partitions) {
        java.util.OptionalLong summarized = CountsCodec.summaryTotal(partition);
        if (summarized.isPresent()) {
          acc[0] += summarized.getAsLong();
        } else {
          CountsCodec.forEach(partition, (blob, keyAt, length, count) -> acc[0] += count);
        }
      }
      total = sum = acc[0];
    }
    return sum;
  }

  /**
   * Returns the {@code k} keys with the highest counts, highest first; equal counts are ordered by
   * key, so the answer is deterministic.
   *
   * @param k how many, at least 0
   * @return at most {@code k} keys with their counts
   */
  public List<KeyCount> top(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    PriorityQueue<KeyCount> best = new PriorityQueue<>(Math.max(1, k), BY_COUNT_THEN_KEY.reversed());
    if (k > 0) {
      CountsCodec.EntryVisitor offer = (blob, keyAt, length, count) -> {
        if (best.size() < k || count >= best.peek().count()) {
          best.add(new KeyCount(new String(blob, keyAt, length, StandardCharsets.UTF_8), count));
          if (best.size() > k) {
            best.poll();
          }
        }
      };
      for (byte[] partition : partitions) {
        // A reduced partition lists its best keys, best first: enough when they are k or all it has.
        int listed = CountsCodec.summaryCount(partition);
        if (listed >= 0 && (listed >= k || listed >= CountsCodec.entries(partition))) {
          CountsCodec.forEachInSummary(partition, offer);
        } else {
          CountsCodec.forEach(partition, offer);
        }
      }
    }
    List<KeyCount> top = new ArrayList<>(best);
    top.sort(BY_COUNT_THEN_KEY);
    return top;
  }

  /**
   * Visits every key and count, in no particular order.
   *
   * @param action takes each key and its count
   */
  public void forEach(ObjLongConsumer<String> action) {
    for (byte[] partition : partitions) {
      CountsCodec.forEach(partition, (blob, keyAt, length, count) ->
          action.accept(new String(blob, keyAt, length, StandardCharsets.UTF_8), count));
    }
  }

  /** {@return a new mutable map of every key to its count} */
  public Map<String, Long> toMap() {
    Map<String, Long> map = HashMap.newHashMap((int) Math.min(Integer.MAX_VALUE - 8, distinct()));
    forEach(map::put);
    return map;
  }

  @Override
  public String toString() {
    return "CountTable[distinct=" + distinct() + ", total=" + total() + "]";
  }
}
