package dev.multiproc.mapreduce;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;

/**
 * A ready-made {@link CountingMapper} for delimited text: sums one numeric column per key column.
 * Each non-empty line must have exactly {@code columns} fields, a non-empty key and a base-10
 * {@code long} in the value column; anything else is a {@link MalformedRecordException}
 * (reported with file and line, or skipped with {@link Job#skipMalformedRecords}). Empty lines
 * are ignored.
 *
 * <p>Reads the line in place: no {@code String} per line, no boxing. Immutable and serializable.
 * The library's own word count uses it, and worker JVMs' start-up cache is trained on it, so a job
 * that uses it starts with its hot code already profiled.
 *
 * <pre>{@code
 * // Google Books 1-grams: ngram TAB year TAB match_count TAB volume_count
 * CountTable matches = Job.count(TextInput.glob("data/*.gz"), ColumnSum.of('\t', 4, 0, 2)).run(pool);
 * }</pre>
 *
 * @param separator the field separator (an ASCII character)
 * @param columns how many fields every line has
 * @param keyColumn the index of the key field
 * @param valueColumn the index of the field to sum
 */
public record ColumnSum(char separator, int columns, int keyColumn, int valueColumn) implements CountingMapper<Line> {
  /**
   * Checks the columns.
   *
   * @throws IllegalArgumentException if an index is outside {@code [0, columns)} or the separator
   *     is not ASCII
   */
  public ColumnSum {
    if (columns < 1 || keyColumn < 0 || keyColumn >= columns || valueColumn < 0 || valueColumn >= columns) {
      throw new IllegalArgumentException(
          "need 0 <= keyColumn, valueColumn < columns; got columns=" + columns + ", keyColumn=" + keyColumn + ", valueColumn=" + valueColumn);
    }
    if (separator > 0x7F) {
      throw new IllegalArgumentException("the separator must be an ASCII character, got U+" + Integer.toHexString(separator));
    }
  }

  /**
   * Returns a column sum.
   *
   * @param separator the field separator (an ASCII character)
   * @param columns how many fields every line has
   * @param keyColumn the index of the key field
   * @param valueColumn the index of the field to sum
   * @return the mapper
   */
  public static ColumnSum of(char separator, int columns, int keyColumn, int valueColumn) {
    return new ColumnSum(separator, columns, keyColumn, valueColumn);
  }

  /**
   * What {@link #map} does to a well-formed line, in one pass over its bytes, with no field bounds
   * recorded and no calls but the table's. The general path goes through {@link Fields}, its index
   * checks and {@link KeyCounter}: C2 inlines all that well but takes ~0.5 s of CPU per worker to
   * compile it, and C1, which compiles in a few ms, leaves the calls in (~110 ms per 21 MB split,
   * against ~75 ms on this path). Anything else - an empty line, a wrong field count, an empty
   * key, a value that is no {@code long} - adds nothing and returns false, so the caller runs
   * {@link #map}, which skips or reports it exactly as it always has.
   *
   * @return whether the line was counted
   */
  boolean addIfWellFormed(byte[] bytes, int from, int to, ByteKeyLongTable table) {
    byte sep = (byte) separator;
    int field = 0;
    int start = from;
    int keyFrom = 0;
    int keyTo = 0;
    int valueFrom = 0;
    int valueTo = 0;
    for (int i = from; i <= to; i++) {
      if (i == to || bytes[i] == sep) {
        if (field == keyColumn) {
          keyFrom = start;
          keyTo = i;
        }
        if (field == valueColumn) {
          valueFrom = start;
          valueTo = i;
        }
        field++;
        start = i + 1;
      }
    }
    if (from == to || field != columns || keyTo == keyFrom) {
      return false;
    }
    int i = valueFrom;
    boolean negative = i < valueTo && bytes[i] == '-';
    if (negative) {
      i++;
    }
    if (i == valueTo) {
      return false;
    }
    long value = 0;
    for (; i < valueTo; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
        return false;
      }
      value = value * 10 + digit;
    }
    table.add(bytes, keyFrom, keyTo - keyFrom, negative ? -value : value);
    return true;
  }

  @Override
  public void map(Line line, KeyCounter counts) {
    if (line.isEmpty()) {
      return;
    }
    Fields fields = line.split(separator);
    fields.requireCount(columns);
    if (fields.length(keyColumn) == 0) {
      throw new MalformedRecordException("empty key in field " + (keyColumn + 1));
    }
    counts.add(fields, keyColumn, fields.parseLong(valueColumn));
  }
}
