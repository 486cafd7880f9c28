package dev.multiproc.mapreduce;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import java.nio.charset.StandardCharsets;

/**
 * Where a {@link CountingMapper} adds counts: sums {@code long} amounts per key, in the worker,
 * before anything crosses a process boundary (the combiner of a counting job). Keys are UTF-8 byte
 * strings; adding a {@link Fields} field or a whole {@link Line} copies bytes only for a key seen
 * for the first time.
 *
 * <p>Not thread-safe: each map task has its own.
 *
 * <pre>{@code
 * Job.count(TextInput.files(path), (line, counts) -> counts.add(line, 1));   // line frequencies
 * }</pre>
 */
public final class KeyCounter {
  private final ByteKeyLongTable table;

  KeyCounter(ByteKeyLongTable table) {
    this.table = table;
  }

  /**
   * Adds to a key given as a field of the current line.
   *
   * @param fields the fields of the current line
   * @param index the field that is the key
   * @param amount the amount to add
   */
  public void add(Fields fields, int index, long amount) {
    int length = fields.length(index);
    table.add(fields.bytes(), fields.start(index), length, amount);
  }

  /**
   * Adds to a key given as a whole line.
   *
   * @param line the current line
   * @param amount the amount to add
   */
  public void add(Line line, long amount) {
    table.add(line.bytes, line.from, line.to - line.from, amount);
  }

  /**
   * Adds to a key given as a string.
   *
   * @param key the key
   * @param amount the amount to add
   */
  public void add(String key, long amount) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    table.add(bytes, 0, bytes.length, amount);
  }
}
