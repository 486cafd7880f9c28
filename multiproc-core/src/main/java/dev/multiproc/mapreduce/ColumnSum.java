package dev.multiproc.mapreduce;

/**
 * A ready-made {@link CountingMapper} for delimited text: sums one numeric column per key column.
 * Each non-empty line must have exactly {@code columns} fields, a non-empty key and a base-10
 * {@code long} in the value column; anything else is a {@link MalformedRecordException}
 * (reported with file and line, or skipped with {@link Job#skipMalformedRecords}). Empty lines
 * are ignored.
 *
 * <p>Reads the line in place: no {@code String} per line, no boxing. On a text input, whole blocks
 * of lines go through a word-at-a-time scanner that sums runs of equal keys before they reach the
 * table; a line it declines comes here. Immutable and serializable.
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
