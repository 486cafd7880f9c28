package dev.multiproc.internal.mapreduce;

import java.util.Arrays;
import java.util.List;

/**
 * The compact wire form of key counts moving between map tasks, reduce tasks and the parent:
 * {@code varint entries, then per entry: varint key length, UTF-8 key bytes, zig-zag varlong
 * count}. Typically 2-4 bytes of overhead per key, no Java serialization.
 */
public final class CountsCodec {
  private CountsCodec() {}

  /**
   * Encodes a table split into hash partitions.
   *
   * @param table the counts
   * @param partitions the partition count
   * @return one blob per partition
   */
  public static byte[][] encodePartitions(ByteKeyLongTable table, int partitions) {
    int[] entries = new int[partitions];
    int[] bytes = new int[partitions];
    for (int slot = 0; slot < table.capacity(); slot++) {
      if (table.isUsed(slot)) {
        int p = table.partitionOf(slot, partitions);
        entries[p]++;
        bytes[p] += table.keyLengthAt(slot) + 5 + 10;
      }
    }
    // Entries in ascending (unsigned) hash order, so a reduce merges them as sorted runs; a
    // partition is a contiguous range of that order (partitions are ranges of the hash).
    int[] order = byHash(table);
    byte[][] blobs = new byte[partitions][];
    int next = 0;
    for (int p = 0; p < partitions; p++) {
      Writer writer = new Writer(bytes[p] + 5);
      writer.varint(entries[p]);
      for (int end = next + entries[p]; next < end; next++) {
        writer.entry(table, order[next]);
      }
      blobs[p] = writer.toArray();
    }
    return blobs;
  }

  /**
   * The used slots of a table sorted by unsigned key hash: a counting sort on the top 16 bits of
   * the hash, then insertion sort within each bucket (a bucket holds one or two keys for tables of
   * up to ~100,000 keys). Linear time, and far less code for the JIT than a general sort.
   */
  private static int[] byHash(ByteKeyLongTable table) {
    int[] bucketStart = new int[(1 << 16) + 1];
    for (int slot = 0; slot < table.capacity(); slot++) {
      if (table.isUsed(slot)) {
        bucketStart[(table.hashAt(slot) >>> 16) + 1]++;
      }
    }
    for (int b = 0; b < 1 << 16; b++) {
      bucketStart[b + 1] += bucketStart[b];
    }
    int[] order = new int[table.size()];
    int[] fill = Arrays.copyOf(bucketStart, 1 << 16);
    for (int slot = 0; slot < table.capacity(); slot++) {
      if (table.isUsed(slot)) {
        order[fill[table.hashAt(slot) >>> 16]++] = slot;
      }
    }
    for (int b = 0; b < 1 << 16; b++) {
      for (int i = bucketStart[b] + 1; i < bucketStart[b + 1]; i++) {
        int slot = order[i];
        long hash = table.hashAt(slot) & 0xFFFFFFFFL;
        int j = i - 1;
        while (j >= bucketStart[b] && (table.hashAt(order[j]) & 0xFFFFFFFFL) > hash) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = slot;
      }
    }
    return order;
  }

  /**
   * Merges blobs of one partition into one blob with a sum per key: a k-way merge of runs sorted by
   * key hash, so no hash table is built and memory is read and written in order. Equal hashes of
   * different keys (collisions) are told apart by their bytes.
   *
   * @param runs blobs from {@link #encodePartitions} (or from this method)
   * @return the merged blob, also in hash order
   * @throws IllegalArgumentException if a blob is truncated or malformed
   */
  public static byte[] merge(List<byte[]> runs) {
    long capacity = 5;
    Run[] heap = new Run[runs.size()];
    int size = 0;
    for (byte[] blob : runs) {
      capacity += blob.length;
      Run run = new Run(blob);
      if (run.advance()) {
        heap[size++] = run;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(heap, i, size);
    }
    Writer out = new Writer((int) Math.min(Integer.MAX_VALUE - 16, capacity));
    out.reserveCount();
    long written = 0;
    Group group = new Group();
    while (size > 0) {
      long hash = heap[0].hash;
      group.clear();
      while (size > 0 && heap[0].hash == hash) { // every entry with this hash, from every run
        Run run = heap[0];
        group.add(run);
        if (run.advance()) {
          siftDown(heap, 0, size);
        } else {
          heap[0] = heap[--size];
          siftDown(heap, 0, size);
        }
      }
      written += group.writeTo(out);
    }
    out.fillCount(written);
    return out.toArray();
  }

  /** The entries of one hash (almost always one entry; more when keys repeat across runs or collide). */
  private static final class Group {
    private byte[][] blobs = new byte[8][];
    private int[] keyAts = new int[8];
    private int[] lengths = new int[8];
    private long[] counts = new long[8];
    private int size;

    void clear() {
      size = 0;
    }

    void add(Run run) {
      if (size == blobs.length) {
        blobs = Arrays.copyOf(blobs, size * 2);
        keyAts = Arrays.copyOf(keyAts, size * 2);
        lengths = Arrays.copyOf(lengths, size * 2);
        counts = Arrays.copyOf(counts, size * 2);
      }
      blobs[size] = run.blob;
      keyAts[size] = run.keyAt;
      lengths[size] = run.keyLength;
      counts[size] = run.count;
      size++;
    }

    /** Writes one entry per distinct key, with the sum of its counts; returns how many. */
    int writeTo(Writer out) {
      int written = 0;
      for (int i = 0; i < size; i++) {
        if (blobs[i] == null) {
          continue; // already summed into an equal key before it
        }
        long sum = counts[i];
        for (int j = i + 1; j < size; j++) {
          if (blobs[j] != null
              && Arrays.equals(blobs[i], keyAts[i], keyAts[i] + lengths[i], blobs[j], keyAts[j], keyAts[j] + lengths[j])) {
            sum += counts[j];
            blobs[j] = null;
          }
        }
        out.entry(blobs[i], keyAts[i], lengths[i], sum);
        written++;
      }
      return written;
    }
  }

  private static void siftDown(Run[] heap, int i, int size) {
    Run item = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1].hash < heap[child].hash) {
        child++;
      }
      if (heap[child].hash >= item.hash) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = item;
  }

  private static void siftUp(Run[] heap, int i) {
    Run item = heap[i];
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (heap[parent].hash <= item.hash) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = item;
  }

  /** A cursor over one sorted blob. */
  private static final class Run {
    final byte[] blob;
    final Reader reader;
    long remaining;
    long hash; // unsigned, for ordering
    int keyAt;
    int keyLength;
    long count;

    Run(byte[] blob) {
      this.blob = blob;
      this.reader = new Reader(blob);
      this.remaining = reader.varlong();
    }

    boolean advance() {
      if (remaining == 0) {
        return false;
      }
      remaining--;
      keyLength = reader.keyLength();
      keyAt = reader.position;
      reader.position += keyLength;
      long zigzag = reader.varlong();
      count = (zigzag >>> 1) ^ -(zigzag & 1);
      hash = ByteKeyLongTable.hash(blob, keyAt, keyLength) & 0xFFFFFFFFL;
      return true;
    }
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
      int length = reader.keyLength();
      int keyAt = reader.position;
      reader.position += length;
      long zigzag = reader.varlong();
      visitor.visit(blob, keyAt, length, (zigzag >>> 1) ^ -(zigzag & 1));
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

  private static final class Writer {
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
