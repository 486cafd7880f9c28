package dev.multiproc.internal.mapreduce;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An open-addressing hash table from byte-string keys to {@code long} sums: the counting hot path
 * of MapReduce jobs, with no boxing and no {@code String} per record.
 *
 * <p>Keys are copied into one growing byte arena (a 4-byte length, then the bytes) on first
 * insertion, so adding an existing key allocates nothing. A slot is two adjacent {@code long}s —
 * the key's hash and arena offset, then its sum — so a probe costs one cache miss plus one for the
 * key bytes. Linear probing over a power-of-two slot array, resized at 50% load. The last
 * key added is remembered: input grouped by key (as the Google-Books n-gram files are, one line per
 * word and year) then adds by one byte comparison, without hashing.
 *
 * <p>The key hash is a fixed function of the bytes (not seeded per JVM), so every process
 * assigns a key to the same partition.
 *
 * <p>Not thread-safe: one table per task.
 */
public final class ByteKeyLongTable {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Per slot: {@code hash << 32 | (arena offset + 1)} (0 = empty), then the sum. */
  private long[] slots;
  private byte[] arena = new byte[1 << 16];
  private int arenaSize;
  private int mask;
  private int size;
  private long total;
  private int lastKey = -1; // arena offset of the key added last
  private int lastSlot;

  /** Creates an empty table. */
  public ByteKeyLongTable() {
    this(1024);
  }

  /**
   * Creates an empty table sized for about {@code expectedKeys} keys.
   *
   * @param expectedKeys a sizing hint
   */
  public ByteKeyLongTable(int expectedKeys) {
    int capacity = Integer.highestOneBit(Math.max(16, expectedKeys) * 2 - 1) << 1;
    slots = new long[2 * capacity];
    mask = capacity - 1;
  }

  /**
   * Adds {@code amount} to the sum of the key {@code bytes[from, from + length)}.
   *
   * @param bytes the array holding the key
   * @param from where the key starts
   * @param length the key length in bytes
   * @param amount the amount to add
   */
  public void add(byte[] bytes, int from, int length, long amount) {
    total += amount;
    int last = lastKey;
    if (last >= 0 && sameKey(last, bytes, from, length)) {
      slots[2 * lastSlot + 1] += amount;
      return;
    }
    int hash = hash(bytes, from, length);
    int slot = hash & mask;
    while (true) {
      long meta = slots[2 * slot];
      if (meta == 0) {
        insert(slot, hash, bytes, from, length, amount);
        return;
      }
      int key = (int) meta - 1;
      if ((int) (meta >>> 32) == hash && sameKey(key, bytes, from, length)) {
        slots[2 * slot + 1] += amount;
        lastKey = key;
        lastSlot = slot;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean sameKey(int key, byte[] bytes, int from, int length) {
    return (int) INTS.get(arena, key) == length && sameBytes(arena, key + Integer.BYTES, bytes, from, length);
  }

  /**
   * Compares two byte ranges of the same length. Keys are short (words): eight bytes per step
   * beats {@code Arrays.equals}' set-up cost here.
   *
   * @param a one array
   * @param aFrom where its range starts
   * @param b the other array (may be {@code a})
   * @param bFrom where its range starts
   * @param length the ranges' length
   * @return whether the ranges hold the same bytes
   */
  public static boolean sameBytes(byte[] a, int aFrom, byte[] b, int bFrom, int length) {
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      if ((long) LONGS.get(a, aFrom + i) != (long) LONGS.get(b, bFrom + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (a[aFrom + i] != b[bFrom + i]) {
        return false;
      }
    }
    return true;
  }

  private void insert(int slot, int hash, byte[] bytes, int from, int length, long amount) {
    int needed = arenaSize + Integer.BYTES + length;
    if (needed > arena.length) {
      if (needed < 0 || needed > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("more than 2 GiB of distinct keys in one table");
      }
      arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(arena.length * 2L, needed)));
    }
    int key = arenaSize;
    INTS.set(arena, key, length);
    System.arraycopy(bytes, from, arena, key + Integer.BYTES, length);
    arenaSize = needed;
    slots[2 * slot] = ((long) hash << 32) | (key + 1L);
    slots[2 * slot + 1] = amount;
    size++;
    lastKey = key;
    lastSlot = slot;
    if (size * 2 > mask + 1) {
      resize();
    }
  }

  private void resize() {
    long[] old = slots;
    slots = new long[old.length * 2];
    mask = (slots.length >>> 1) - 1;
    for (int i = 0; i < old.length; i += 2) {
      long meta = old[i];
      if (meta != 0) {
        int slot = (int) (meta >>> 32) & mask;
        while (slots[2 * slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[2 * slot] = meta;
        slots[2 * slot + 1] = old[i + 1];
      }
    }
    lastKey = -1;
  }

  /**
   * Returns the sum for a key, or 0 when the key was never added.
   *
   * @param bytes the array holding the key
   * @param from where the key starts
   * @param length the key length in bytes
   * @return the sum
   */
  public long get(byte[] bytes, int from, int length) {
    int hash = hash(bytes, from, length);
    int slot = hash & mask;
    while (true) {
      long meta = slots[2 * slot];
      if (meta == 0) {
        return 0;
      }
      if ((int) (meta >>> 32) == hash && sameKey((int) meta - 1, bytes, from, length)) {
        return slots[2 * slot + 1];
      }
      slot = (slot + 1) & mask;
    }
  }

  /** {@return the number of distinct keys} */
  public int size() {
    return size;
  }

  /** {@return the bytes the keys take in the arena, a 4-byte length included per key} */
  public int arenaBytes() {
    return arenaSize;
  }

  /** {@return the sum of every amount added} */
  public long total() {
    return total;
  }

  /** {@return the number of slots; slot indexes for {@link #isUsed} and friends run below it} */
  public int capacity() {
    return mask + 1;
  }

  /**
   * Tells whether a slot holds a key.
   *
   * @param slot a slot index below {@link #capacity()}
   * @return true when the slot holds a key
   */
  public boolean isUsed(int slot) {
    return slots[2 * slot] != 0;
  }

  /**
   * Returns the partition, in {@code [0, partitions)}, of the key in a used slot.
   *
   * @param slot a used slot
   * @param partitions the partition count
   * @return the key's partition
   */
  public int partitionOf(int slot, int partitions) {
    return partition((int) (slots[2 * slot] >>> 32), partitions);
  }

  /**
   * Returns the hash of the key in a used slot.
   *
   * @param slot a used slot
   * @return its {@link #hash}
   */
  public int hashAt(int slot) {
    return (int) (slots[2 * slot] >>> 32);
  }

  /**
   * Returns the sum held in a used slot.
   *
   * @param slot a used slot
   * @return its sum
   */
  public long valueAt(int slot) {
    return slots[2 * slot + 1];
  }

  /**
   * Returns the key in a used slot, decoded as UTF-8.
   *
   * @param slot a used slot
   * @return the key
   */
  public String keyAt(int slot) {
    int key = (int) slots[2 * slot] - 1;
    return new String(arena, key + Integer.BYTES, (int) INTS.get(arena, key), StandardCharsets.UTF_8);
  }

  /**
   * Returns the key length of a used slot.
   *
   * @param slot a used slot
   * @return the key length in bytes
   */
  public int keyLengthAt(int slot) {
    return (int) INTS.get(arena, (int) slots[2 * slot] - 1);
  }

  /**
   * Copies the key bytes of a used slot.
   *
   * @param slot a used slot
   * @param target where to copy
   * @param at the offset in {@code target}
   */
  public void copyKey(int slot, byte[] target, int at) {
    int key = (int) slots[2 * slot] - 1;
    System.arraycopy(arena, key + Integer.BYTES, target, at, (int) INTS.get(arena, key));
  }

  /**
   * Maps a key hash to a partition: the high bits of the hash times the partition count, which
   * spreads keys evenly for any partition count.
   *
   * @param hash a key hash from {@link #hash}
   * @param partitions the partition count
   * @return the partition in {@code [0, partitions)}
   */
  public static int partition(int hash, int partitions) {
    return (int) (((hash & 0xFFFFFFFFL) * partitions) >>> 32);
  }

  /**
   * Hashes key bytes: a multiplicative hash over 8-byte words with a final avalanche. Fixed across
   * JVMs, so partitions agree between processes.
   *
   * @param bytes the array holding the key
   * @param from where the key starts
   * @param length the key length in bytes
   * @return the hash
   */
  public static int hash(byte[] bytes, int from, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONGS.get(bytes, i)) * 0xBF58476D1CE4E5B9L;
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (bytes[i] & 0xFFL) << shift;
    }
    h = (h ^ tail) * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return (int) h ^ (int) (h >>> 32);
  }

}
