package dev.multiproc.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
 * over line-aligned ranges, fields found eight bytes at a time, its own open-addressing hash table
 * whose keys point into the mapping (no copies), runs of lines with the same word added once (the
 * files are grouped by word), and a merge split by hash over the same threads: the techniques of
 * Multiproc's own word count, without its processes, messages and encodings.
 * What the framework reaches as a fraction of this program is the framework's measured overhead.
 *
 * <p>Usage: {@code java -cp multiproc-cli.jar dev.multiproc.cli.HandWrittenWordCount FILE THREADS};
 * prints {@code {"seconds": S, "bytes": N, "distinct": N, "total": N}}. Single-purpose: it expects
 * the well-formed 4-column layout (no empty or short lines, words under 64 KiB), as the generated
 * benchmark files are, and checks nothing; the benchmark compares its totals with the others'.
 */
final class HandWrittenWordCount {
  private HandWrittenWordCount() {}

  /**
   * An open-addressing table of (offset, length) keys into the mapping, with their hashes (so
   * growing and merging never rehash the bytes) and long sums.
   */
  private static final class Table {
    final MemorySegment data;
    long[] keys; // (offset + 1) << 16 | length, 0 = empty
    int[] hashes;
    long[] sums;
    int mask;
    int size;

    Table(MemorySegment data, int capacity) {
      this.data = data;
      keys = new long[capacity];
      hashes = new int[capacity];
      sums = new long[capacity];
      mask = capacity - 1;
    }

    void add(long offset, int length, long amount) {
      add(offset, length, hash(data, offset, length), amount);
    }

    void add(long offset, int length, int hash, long amount) {
      int slot = hash & mask;
      while (true) {
        long key = keys[slot];
        if (key == 0) {
          keys[slot] = (offset + 1) << 16 | length;
          hashes[slot] = hash;
          sums[slot] = amount;
          if (++size * 2 > keys.length) {
            grow();
          }
          return;
        }
        if (hashes[slot] == hash && (int) (key & 0xFFFF) == length && sameBytes(data, (key >>> 16) - 1, offset, length)) {
          sums[slot] += amount;
          return;
        }
        slot = (slot + 1) & mask;
      }
    }

    void grow() {
      long[] oldKeys = keys;
      int[] oldHashes = hashes;
      long[] oldSums = sums;
      keys = new long[oldKeys.length * 2];
      hashes = new int[oldKeys.length * 2];
      sums = new long[oldKeys.length * 2];
      mask = keys.length - 1;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          int slot = oldHashes[i] & mask;
          while (keys[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          keys[slot] = oldKeys[i];
          hashes[slot] = oldHashes[i];
          sums[slot] = oldSums[i];
        }
      }
    }

    long total() {
      long total = 0;
      for (int i = 0; i < keys.length; i++) {
        total += keys[i] != 0 ? sums[i] : 0;
      }
      return total;
    }
  }

  /**
   * A multiplicative hash of the key's bytes, eight at a time (little-endian words, the last one
   * zero-padded), with a final avalanche. A function of the bytes alone: near the end of the
   * mapping the last word is assembled byte by byte, to the same value.
   */
  static int hash(MemorySegment data, long offset, int length) {
    long h = length;
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      h = (h ^ data.get(WORD, offset + i)) * 0x9E3779B97F4A7C15L;
    }
    if (i < length) {
      long tail;
      if (offset + i + Long.BYTES <= data.byteSize()) {
        tail = data.get(WORD, offset + i) & (-1L >>> ((Long.BYTES - (length - i)) << 3));
      } else {
        tail = 0;
        for (int k = length - i - 1; k >= 0; k--) {
          tail = tail << 8 | (data.get(ValueLayout.JAVA_BYTE, offset + i + k) & 0xFF);
        }
      }
      h = (h ^ tail) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long TABS = 0x0909090909090909L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

  /**
   * Where the first byte equal to every byte of {@code pattern} is at or after {@code at}: eight
   * bytes per step (a zero-byte test on {@code word ^ pattern}), one at a time near the end.
   */
  private static long find(MemorySegment data, long at, long pattern, long size) {
    byte wanted = (byte) pattern;
    while (at + Long.BYTES <= size) {
      long x = data.get(WORD, at) ^ pattern;
      long found = (x - ONES) & ~x & HIGHS;
      if (found != 0) {
        return at + (Long.numberOfTrailingZeros(found) >>> 3);
      }
      at += Long.BYTES;
    }
    while (at < size && data.get(ValueLayout.JAVA_BYTE, at) != wanted) {
      at++;
    }
    return at;
  }

  /**
   * Counts the lines starting in [from, to): each field's end found eight bytes at a time, the
   * match count's digits summed in place, and runs of lines with the same word (the files are
   * grouped by word) added to the table once.
   */
  private static Table count(MemorySegment data, long from, long to) {
    Table table = new Table(data, 1 << 16);
    long size = data.byteSize();
    long at = from;
    long runWord = -1;
    int runLength = 0;
    long runSum = 0;
    while (at < to) {
      long word = at;
      long wordEnd = find(data, at, TABS, size);
      int wordLength = (int) (wordEnd - word);
      long yearEnd = find(data, wordEnd + 1, TABS, size);
      long matches = 0;
      long digit = yearEnd + 1;
      byte b;
      while ((b = data.get(ValueLayout.JAVA_BYTE, digit)) != '\t') {
        matches = matches * 10 + (b - '0');
        digit++;
      }
      at = find(data, digit + 1, NEWLINES, size) + 1; // past the volume count
      if (runWord >= 0 && wordLength == runLength && sameBytes(data, runWord, word, wordLength)) {
        runSum += matches;
      } else {
        if (runWord >= 0) {
          table.add(runWord, runLength, runSum);
        }
        runWord = word;
        runLength = wordLength;
        runSum = matches;
      }
    }
    if (runWord >= 0) {
      table.add(runWord, runLength, runSum);
    }
    return table;
  }

  private static boolean sameBytes(MemorySegment data, long a, long b, int length) {
    return MemorySegment.mismatch(data, a, a + length, data, b, b + length) < 0;
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
        long at = Math.max(1, size * t / threads);
        while (at < size && data.get(ValueLayout.JAVA_BYTE, at - 1) != '\n') {
          at++;
        }
        bounds[t] = at;
      }
      List<Table> tables = new ArrayList<>();
      List<Table> merged = new ArrayList<>();
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
        // The merge, one hash partition per thread: each thread takes the keys whose hash falls in
        // its partition from every table.
        List<Future<Table>> partitions = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int partition = t;
          partitions.add(pool.submit(() -> {
            Table into = new Table(data, 1 << 16);
            for (Table table : tables) {
              for (int i = 0; i < table.keys.length; i++) {
                long key = table.keys[i];
                // By the hash's high bits: the table below places keys by its low bits.
                if (key != 0 && (int) (((table.hashes[i] & 0xFFFFFFFFL) * threads) >>> 32) == partition) {
                  into.add((key >>> 16) - 1, (int) (key & 0xFFFF), table.hashes[i], table.sums[i]);
                }
              }
            }
            return into;
          }));
        }
        for (Future<Table> partition : partitions) {
          merged.add(partition.get());
        }
      }
      long distinct = 0;
      long total = 0;
      for (Table table : merged) {
        distinct += table.size;
        total += table.total();
      }
      System.out.printf(Locale.ROOT, "{\"seconds\": %.3f, \"bytes\": %d, \"distinct\": %d, \"total\": %d}%n",
          (System.nanoTime() - started) / 1e9, size, distinct, total);
    } catch (IOException e) {
      System.err.println("baseline: " + e);
      System.exit(1);
    }
  }
}
