package dev.multiproc.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark baseline for {@code multiproc bench wordcount}: a hand-written, single-purpose Java
 * word count that uses nothing of Multiproc — the whole file memory-mapped, one thread per core
 * over line-aligned ranges, its own open-addressing hash table whose keys point into the mapping
 * (no copies), the same last-word shortcut for input grouped by word, and one merge at the end.
 * What the framework reaches as a fraction of this program is the framework's measured overhead.
 *
 * <p>Usage: {@code java -cp multiproc-cli.jar dev.multiproc.cli.HandWrittenWordCount FILE THREADS};
 * prints {@code {"seconds": S, "bytes": N, "distinct": N, "total": N}}.
 */
final class HandWrittenWordCount {
  private HandWrittenWordCount() {}

  /** An open-addressing table of (offset, length) keys into the mapping, with long sums. */
  private static final class Table {
    final MemorySegment data;
    long[] keys; // offset << 16 | length, 0 = empty (offset + 1 so offset 0 is not empty)
    long[] sums;
    int mask;
    int size;
    long lastKey;
    int lastSlot = -1;

    Table(MemorySegment data, int capacity) {
      this.data = data;
      keys = new long[capacity];
      sums = new long[capacity];
      mask = capacity - 1;
    }

    void add(long offset, int length, long amount) {
      if (lastSlot >= 0 && equal(lastKey, offset, length)) {
        sums[lastSlot] += amount;
        return;
      }
      int hash = hash(offset, length);
      int slot = hash & mask;
      while (true) {
        long key = keys[slot];
        if (key == 0) {
          keys[slot] = (offset + 1) << 16 | length;
          sums[slot] = amount;
          lastKey = keys[slot];
          lastSlot = slot;
          if (++size * 2 > keys.length) {
            grow();
          }
          return;
        }
        if (equal(key, offset, length)) {
          sums[slot] += amount;
          lastKey = key;
          lastSlot = slot;
          return;
        }
        slot = (slot + 1) & mask;
      }
    }

    boolean equal(long key, long offset, int length) {
      if ((int) (key & 0xFFFF) != length) {
        return false;
      }
      long other = (key >>> 16) - 1;
      for (int i = 0; i < length; i++) {
        if (data.get(ValueLayout.JAVA_BYTE, other + i) != data.get(ValueLayout.JAVA_BYTE, offset + i)) {
          return false;
        }
      }
      return true;
    }

    int hash(long offset, int length) {
      int h = 0;
      for (int i = 0; i < length; i++) {
        h = 31 * h + data.get(ValueLayout.JAVA_BYTE, offset + i);
      }
      return h ^ (h >>> 16) * 0x45d9f3b;
    }

    void grow() {
      long[] oldKeys = keys;
      long[] oldSums = sums;
      keys = new long[oldKeys.length * 2];
      sums = new long[oldKeys.length * 2];
      mask = keys.length - 1;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          int slot = hash((oldKeys[i] >>> 16) - 1, (int) (oldKeys[i] & 0xFFFF)) & mask;
          while (keys[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          keys[slot] = oldKeys[i];
          sums[slot] = oldSums[i];
        }
      }
      lastSlot = -1;
    }
  }

  /** Counts the lines starting in [from, to). */
  private static Table count(MemorySegment data, long from, long to) {
    Table table = new Table(data, 1 << 16);
    long size = data.byteSize();
    long at = from;
    while (at < to) {
      long word = at;
      while (data.get(ValueLayout.JAVA_BYTE, at) != '\t') {
        at++;
      }
      int wordLength = (int) (at - word);
      at++;
      while (data.get(ValueLayout.JAVA_BYTE, at) != '\t') {
        at++; // year
      }
      at++;
      long matches = 0;
      byte b;
      while ((b = data.get(ValueLayout.JAVA_BYTE, at)) != '\t') {
        matches = matches * 10 + (b - '0');
        at++;
      }
      while (at < size && data.get(ValueLayout.JAVA_BYTE, at) != '\n') {
        at++; // volume count
      }
      at++;
      table.add(word, wordLength, matches);
    }
    return table;
  }

  /**
   * Runs the baseline.
   *
   * @param args FILE THREADS
   */
  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    Path file = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofShared()) {
      MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
      long size = data.byteSize();
      long[] bounds = new long[threads + 1];
      bounds[threads] = size;
      for (int t = 1; t < threads; t++) {
        long at = size * t / threads;
        while (at < size && data.get(ValueLayout.JAVA_BYTE, at - 1) != '\n') {
          at++;
        }
        bounds[t] = at;
      }
      List<Table> tables = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
        List<Future<Table>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long from = bounds[t];
          long to = bounds[t + 1];
          parts.add(pool.submit(() -> count(data, from, to)));
        }
        for (Future<Table> part : parts) {
          tables.add(part.get());
        }
      }
      Table merged = tables.getFirst();
      for (Table other : tables.subList(1, tables.size())) {
        for (int i = 0; i < other.keys.length; i++) {
          if (other.keys[i] != 0) {
            merged.add((other.keys[i] >>> 16) - 1, (int) (other.keys[i] & 0xFFFF), other.sums[i]);
          }
        }
      }
      long total = 0;
      for (int i = 0; i < merged.keys.length; i++) {
        total += merged.keys[i] != 0 ? merged.sums[i] : 0;
      }
      System.out.printf(Locale.ROOT, "{\"seconds\": %.3f, \"bytes\": %d, \"distinct\": %d, \"total\": %d}%n",
          (System.nanoTime() - started) / 1e9, size, merged.size, total);
    } catch (IOException e) {
      System.err.println("baseline: " + e);
      System.exit(1);
    }
  }
}
