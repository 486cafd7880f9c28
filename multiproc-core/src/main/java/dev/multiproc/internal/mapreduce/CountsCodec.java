package dev.multiproc.internal.mapreduce;

import java.util.Arrays;
import java.util.List;

/**
 * The compact wire form of key counts moving between map tasks, reduce tasks and the parent:
 * {@code varint entries, then per entry: varint key length, UTF-8 key bytes, zig-zag varlong
 * count}. Typically 2-4 bytes of overhead per key, no Java serialization.
 *
 * <p>A reduced partition may end in a summary, so that the parent need not scan every key for a
 * total or a top ten: {@code zig-zag varlong total, varint n, n entries (the partition's best, in
 * the order given), then a 4-byte little-endian offset of the summary and the byte 0xC5}. No blob
 * without one can end in 0xC5: its last byte ends a varint, so it is below 0x80. Readers of the
 * entries stop after the last entry and never see the summary.
 */
public final class CountsCodec {
  private CountsCodec() {}

  /**
   * Encodes a table split into hash partitions, each in slot order: one pass over the slots.
   *
   * <p>No sorting and no k-way merge on purpose. A word count is over in a second or two, and
   * each worker JVM compiles every loop it runs: the hash-ordered runs and heap merge this replaced
   * were faster once compiled, yet cost each worker ~0.5 s of C2 time (measured with JFR's
   * jdk.Compilation events), more than they saved.
   *
   * @param table the counts
   * @param partitions the partition count
   * @return one blob per partition
   */
  public static byte[][] encodePartitions(ByteKeyLongTable table, int partitions) {
    Writer[] writers = writePartitions(table, partitions);
    byte[][] blobs = new byte[partitions][];
    for (int p = 0; p < partitions; p++) {
      blobs[p] = writers[p].toArray();
    }
    return blobs;
  }

  private static Writer[] writePartitions(ByteKeyLongTable table, int partitions) {
    int estimate = (int) Math.min(Integer.MAX_VALUE - 16, 16L + (table.arenaBytes() + 12L * table.size()) / partitions);
    Writer[] writers = startPartitions(partitions, estimate);
    int[] entries = new int[partitions];
    writeEntries(table, writers, entries);
    for (int p = 0; p < partitions; p++) {
      writers[p].fillCount(entries[p]);
    }
    return writers;
  }

  /** One writer per partition, each with room for its entry count, filled in at the end. */
  static Writer[] startPartitions(int partitions, int bytesEach) {
    Writer[] writers = new Writer[partitions];
    for (int p = 0; p < partitions; p++) {
      writers[p] = new Writer(bytesEach);
      writers[p].reserveCount();
    }
    return writers;
  }

  /** Writes every key of a table to its partition's writer, in slot order, counting them. */
  static void writeEntries(ByteKeyLongTable table, Writer[] writers, int[] entries) {
    int partitions = writers.length;
    for (int slot = 0, capacity = table.capacity(); slot < capacity; slot++) {
      if (table.isUsed(slot)) {
        int p = partitions == 1 ? 0 : table.partitionOf(slot, partitions);
        writers[p].entry(table, slot);
        entries[p]++;
      }
    }
  }

  /**
   * Encodes a whole table as one blob ending in a summary (see above).
   *
   * @param table the counts
   * @param best slots of the table whose entries the summary lists, in that order
   * @return the blob
   */
  public static byte[] encodeWithSummary(ByteKeyLongTable table, int[] best) {
    Writer writer = writePartitions(table, 1)[0];
    int summaryAt = writer.size;
    long total = table.total();
    writer.varlong((total << 1) ^ (total >> 63));
    writer.varint(best.length);
    for (int slot : best) {
      writer.entry(table, slot);
    }
    writer.int32(summaryAt);
    writer.byte8(SUMMARY_MARK);
    return writer.toArray();
  }

  /**
   * The total of a blob's counts as its summary gives it.
   *
   * @param blob a blob
   * @return the total, or empty if the blob has no summary
   */
  public static java.util.OptionalLong summaryTotal(byte[] blob) {
    Reader reader = summary(blob);
    if (reader == null) {
      return java.util.OptionalLong.empty();
    }
    long zigzag = reader.varlong();
    return java.util.OptionalLong.of((zigzag >>> 1) ^ -(zigzag & 1));
  }

  /**
   * How many entries a blob's summary lists.
   *
   * @param blob a blob
   * @return the count, or -1 if the blob has no summary
   */
  public static int summaryCount(byte[] blob) {
    Reader reader = summary(blob);
    if (reader == null) {
      return -1;
    }
    reader.varlong(); // the total
    return (int) reader.varlong();
  }

  /**
   * Visits the entries a blob's summary lists, in their order.
   *
   * @param blob a blob
   * @param visitor takes each entry
   * @return how many it visited, or -1 if the blob has no summary
   */
  public static int forEachInSummary(byte[] blob, EntryVisitor visitor) {
    Reader reader = summary(blob);
    if (reader == null) {
      return -1;
    }
    reader.varlong(); // the total
    long n = reader.varlong();
    for (long i = 0; i < n; i++) {
      reader.visitEntry(visitor);
    }
    return (int) n;
  }

  private static final byte SUMMARY_MARK = (byte) 0xC5;

  /** A reader at a blob's summary, or null if it has none. */
  private static Reader summary(byte[] blob) {
    int n = blob.length;
    if (n < 5 || blob[n - 1] != SUMMARY_MARK) {
      return null;
    }
    int at = (blob[n - 5] & 0xFF) | (blob[n - 4] & 0xFF) << 8 | (blob[n - 3] & 0xFF) << 16 | (blob[n - 2] & 0xFF) << 24;
    if (at < 0 || at > n - 5) {
      throw new IllegalArgumentException("malformed counts blob: summary offset " + at + " of " + n + " bytes");
    }
    Reader reader = new Reader(blob);
    reader.position = at;
    return reader;
  }

  /**
   * Adds blobs of one partition into one {@link ByteKeyLongTable}, a sum per key: the same add
   * path the map tasks ran, so a worker has it compiled already. {@link #encode} or {@link
   * #encodeWithSummary} makes the merged blob.
   *
   * @param runs blobs from {@link #encodePartitions} (or from this class's other encoders)
   * @return the table of their sums per key
   * @throws IllegalArgumentException if a blob is truncated or malformed
   */
  public static ByteKeyLongTable mergeIntoTable(List<byte[]> runs) {
    // Sized for the largest blob's entries, about its distinct keys (a streamed blob may list a
    // key more than once, at most one entry per CountsCombiner.MIN_LINES_PER_RUN records): the
    // sum would over-allocate (up to 2 GiB) when blobs share their keys, and the table grows when
    // they do not.
    long entries = 0;
    for (byte[] blob : runs) {
      entries = Math.max(entries, entries(blob));
    }
    ByteKeyLongTable table = new ByteKeyLongTable((int) Math.min(1 << 26, entries));
    for (byte[] blob : runs) {
      decodeInto(blob, table);
    }
    return table;
  }

  /**
   * Encodes a whole table as one blob.
   *
   * @param table the counts
   * @return the blob
   */
  public static byte[] encode(ByteKeyLongTable table) {
    return encodePartitions(table, 1)[0];
  }

  /**
   * Adds the counts of a blob into a table.
   *
   * @param blob a blob from {@link #encode} or {@link #encodePartitions}
   * @param into the table to add to
   * @throws IllegalArgumentException if the blob is truncated or malformed
   */
  public static void decodeInto(byte[] blob, ByteKeyLongTable into) {
    forEach(blob, into::add);
  }

  /** Takes the entries of a blob, in blob order. */
  @FunctionalInterface
  public interface EntryVisitor {
    /**
     * Takes one entry.
     *
     * @param blob the blob
     * @param keyAt where the UTF-8 key starts in the blob
     * @param length the key length in bytes
     * @param count the count
     */
    void visit(byte[] blob, int keyAt, int length, long count);
  }

  /**
   * Visits the entries of a blob without building a table.
   *
   * @param blob a blob from {@link #encode} or {@link #encodePartitions}
   * @param visitor takes each entry
   * @throws IllegalArgumentException if the blob is truncated or malformed
   */
  public static void forEach(byte[] blob, EntryVisitor visitor) {
    Reader reader = new Reader(blob);
    long entries = reader.varlong();
    for (long i = 0; i < entries; i++) {
      reader.visitEntry(visitor);
    }
  }

  /**
   * Counts the entries of a blob without decoding it.
   *
   * @param blob a blob
   * @return its entry count
   */
  public static long entries(byte[] blob) {
    return new Reader(blob).varlong();
  }

  static final class Writer {
    private byte[] buffer;
    private int size;

    Writer(int capacity) {
      buffer = new byte[capacity];
    }

    void entry(ByteKeyLongTable table, int slot) {
      int length = table.keyLengthAt(slot);
      ensure(length + 15);
      varint(length);
      table.copyKey(slot, buffer, size);
      size += length;
      long value = table.valueAt(slot);
      varlong((value << 1) ^ (value >> 63));
    }

    void entry(byte[] key, int keyAt, int length, long value) {
      ensure(length + 15);
      varint(length);
      System.arraycopy(key, keyAt, buffer, size, length);
      size += length;
      varlong((value << 1) ^ (value >> 63));
    }

    /** Leaves room for an entry count written later in a fixed five bytes (a non-minimal varint). */
    void reserveCount() {
      ensure(5);
      size += 5;
    }

    void fillCount(long count) {
      for (int i = 0; i < 4; i++) {
        buffer[i] = (byte) ((count >>> (7 * i)) & 0x7F | 0x80);
      }
      buffer[4] = (byte) (count >>> 28);
    }

    void varint(int value) {
      varlong(value & 0xFFFFFFFFL);
    }

    void varlong(long value) {
      ensure(10);
      while ((value & ~0x7FL) != 0) {
        buffer[size++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      buffer[size++] = (byte) value;
    }

    private void ensure(int more) {
      if (size + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
      }
    }

    void int32(int value) {
      ensure(4);
      for (int i = 0; i < 4; i++) {
        buffer[size++] = (byte) (value >>> (8 * i));
      }
    }

    void byte8(byte value) {
      ensure(1);
      buffer[size++] = value;
    }

    byte[] toArray() {
      return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }
  }

  private static final class Reader {
    private final byte[] buffer;
    private int position;

    Reader(byte[] buffer) {
      this.buffer = buffer;
    }

    void visitEntry(EntryVisitor visitor) {
      int length = keyLength();
      int keyAt = position;
      position += length;
      long zigzag = varlong();
      visitor.visit(buffer, keyAt, length, (zigzag >>> 1) ^ -(zigzag & 1));
    }

    int keyLength() {
      long length = varlong();
      if (length < 0 || length > buffer.length - position) {
        throw new IllegalArgumentException("malformed counts blob: key length " + length + " at " + position);
      }
      return (int) length;
    }

    long varlong() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= buffer.length) {
          throw new IllegalArgumentException("malformed counts blob: truncated varint at " + position);
        }
        byte b = buffer[position++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("malformed counts blob: varint longer than 10 bytes at " + position);
    }
  }
}
