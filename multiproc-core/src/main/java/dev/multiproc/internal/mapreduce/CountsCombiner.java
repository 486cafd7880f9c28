package dev.multiproc.internal.mapreduce;

/**
 * A map task's counts on their way to its partition blobs ({@link CountsCodec} form), combined
 * only as much as pays. Input grouped by key - the n-gram files hold all the years of a word
 * together, and the caller sums each run of equal keys before adding it - has nothing left to
 * combine: each run is a key not seen before, so it is written straight into its partition's blob,
 * with no hash table to fill and no second pass to encode one. Streaming stops, and the rest is
 * combined in a {@link ByteKeyLongTable} whose entries follow the streamed ones, once the input
 * does not look grouped (judged after {@value #RUNS_BEFORE_JUDGING} runs, then on every run): runs
 * shorter than {@value #MIN_LINES_PER_RUN} lines on average, or more than one run in eight
 * repeating a key seen recently (a lossy filter of the last ~16K keys). The first rule bounds what
 * streaming can cost: at most one entry per {@value #MIN_LINES_PER_RUN} lines, even for keys that
 * come back too far apart for the filter to see.
 *
 * <p>Measured: per 21 MB split under C1, ~53-62 ms to scan into a table and encode it, ~46 ms to
 * scan into this (an ad-hoc harness reading the file); the 335 MB word count went from 1.255 to
 * 1.169 s wall and 2.33 to 2.15 s of CPU (medians of 8 interleaved runs of {@code multiproc
 * wordcount}). JMH's {@code MapSplitBenchmark} measures the whole map path as it is now.
 *
 * <p>So a blob may list a key more than once (a run split across read buffers, say); a reduce
 * ({@link CountsCodec#mergeIntoTable}) sums them, which is why a counting job reduces even a
 * partition that has a single piece. Not thread-safe: one per map task.
 */
public final class CountsCombiner {
  /** How many runs are streamed before the input is judged. */
  static final int RUNS_BEFORE_JUDGING = 4096;

  /** The shortest average run, in lines (records), that keeps streaming. */
  static final int MIN_LINES_PER_RUN = 4;

  private static final int SEEN_SLOTS = 1 << 14;

  private final CountsCodec.Writer[] writers;
  private final int[] entries;
  /** Recently streamed keys' hashes ({@code | 1}, so 0 is empty), by their low bits: a lossy filter. */
  private final int[] seen = new int[SEEN_SLOTS];
  private int runs;
  private long lines;
  private int repeats;
  private boolean combining;
  private ByteKeyLongTable table;

  /**
   * Creates an empty combiner.
   *
   * @param partitions how many partition blobs to make
   * @param expectedBytes a sizing hint: roughly how many bytes the blobs will take in all
   */
  public CountsCombiner(int partitions, int expectedBytes) {
    writers = CountsCodec.startPartitions(partitions, Math.max(1 << 10, expectedBytes / partitions));
    entries = new int[partitions];
  }

  /**
   * Adds an amount to a key: one record's.
   *
   * @param bytes the array holding the key
   * @param from where the key starts
   * @param length the key length in bytes
   * @param amount the amount to add
   */
  public void add(byte[] bytes, int from, int length, long amount) {
    add(bytes, from, length, amount, 1);
  }

  /**
   * Adds the sum of a run of records with the same key.
   *
   * @param bytes the array holding the key
   * @param from where the key starts
   * @param length the key length in bytes
   * @param amount the run's sum
   * @param records how many records the run had
   */
  public void add(byte[] bytes, int from, int length, long amount, int records) {
    lines += records;
    if (combining) {
      table.add(bytes, from, length, amount);
      return;
    }
    int hash = ByteKeyLongTable.hash(bytes, from, length);
    int mark = hash | 1;
    int slot = hash & (SEEN_SLOTS - 1);
    if (seen[slot] == mark) {
      repeats++;
    }
    seen[slot] = mark;
    int p = writers.length == 1 ? 0 : ByteKeyLongTable.partition(hash, writers.length);
    writers[p].entry(bytes, from, length, amount);
    entries[p]++;
    if (++runs >= RUNS_BEFORE_JUDGING && (repeats > runs >>> 3 || lines < (long) runs * MIN_LINES_PER_RUN)) {
      combining = true;
      table();
    }
  }

  /** {@return whether the input did not look grouped and the rest is combined in a table} */
  public boolean combining() {
    return combining;
  }

  /**
   * The table that combines: where adds go once streaming stops, and where a caller may add
   * directly (e.g. through a {@code KeyCounter}) at any time. Its entries follow the streamed ones.
   *
   * @return the table, created small on first use (it grows)
   */
  public ByteKeyLongTable table() {
    if (table == null) {
      table = new ByteKeyLongTable(1 << 10);
    }
    return table;
  }

  /**
   * Finishes the blobs. The combiner is done with afterwards.
   *
   * @return one blob per partition
   */
  public byte[][] finish() {
    if (table != null) {
      CountsCodec.writeEntries(table, writers, entries);
    }
    byte[][] blobs = new byte[writers.length][];
    for (int p = 0; p < writers.length; p++) {
      writers[p].fillCount(entries[p]);
      blobs[p] = writers[p].toArray();
    }
    return blobs;
  }
}
