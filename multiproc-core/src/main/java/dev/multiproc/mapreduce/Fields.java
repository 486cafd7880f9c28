package dev.multiproc.mapreduce;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fields of a {@link Line} split at a separator: a flyweight owned by the line, valid only
 * while the line is. Numbers parse straight from the bytes, and {@link KeyCounter#add(Fields, int,
 * long)} counts a field as a key without making a {@code String}.
 *
 * <pre>{@code
 * Fields f = line.split('\t');
 * f.requireCount(4);
 * long matches = f.parseLong(2);   // MalformedRecordException if not a number
 * }</pre>
 */
public final class Fields {
  private final Line line;
  private int[] bounds = new int[16];
  private int count;

  Fields(Line line) {
    this.line = line;
  }

  void scan(byte separator) {
    byte[] bytes = line.bytes;
    int end = line.to;
    int start = line.from;
    int n = 0;
    for (int i = start; i < end; i++) {
      if (bytes[i] == separator) {
        n = record(n, start, i);
        start = i + 1;
      }
    }
    count = record(n, start, end) / 2;
  }

  private int record(int n, int start, int end) {
    if (n + 2 > bounds.length) {
      bounds = Arrays.copyOf(bounds, bounds.length * 2);
    }
    bounds[n] = start;
    bounds[n + 1] = end;
    return n + 2;
  }

  /** {@return the number of fields (one more than the number of separators)} */
  public int count() {
    return count;
  }

  /**
   * Checks the field count.
   *
   * @param expected the number of fields a record must have
   * @throws MalformedRecordException if the count differs
   */
  public void requireCount(int expected) {
    if (count != expected) {
      throw new MalformedRecordException("expected " + expected + " fields, found " + count);
    }
  }

  /**
   * Returns a field's length in bytes.
   *
   * @param index the field index, from 0
   * @return its length
   */
  public int length(int index) {
    checkIndex(index);
    return bounds[2 * index + 1] - bounds[2 * index];
  }

  /**
   * Returns a field decoded as UTF-8.
   *
   * @param index the field index, from 0
   * @return the field
   */
  public String get(int index) {
    checkIndex(index);
    int start = bounds[2 * index];
    return new String(line.bytes, start, bounds[2 * index + 1] - start, StandardCharsets.UTF_8);
  }

  /**
   * Parses a field as a decimal {@code long} (an optional {@code -}, then ASCII digits).
   *
   * @param index the field index, from 0
   * @return the number
   * @throws MalformedRecordException if the field is empty, not a number, or overflows
   */
  public long parseLong(int index) {
    checkIndex(index);
    byte[] bytes = line.bytes;
    int i = bounds[2 * index];
    int end = bounds[2 * index + 1];
    boolean negative = i < end && bytes[i] == '-';
    if (negative) {
      i++;
    }
    if (i == end) {
      throw notANumber(index);
    }
    long value = 0;
    for (; i < end; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        throw notANumber(index);
      }
      if (value > (Long.MAX_VALUE - digit) / 10) {
        throw new MalformedRecordException("field " + (index + 1) + " overflows a long: \"" + get(index) + "\"");
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  private MalformedRecordException notANumber(int index) {
    return new MalformedRecordException("field " + (index + 1) + " is not a number: \"" + get(index) + "\"");
  }

  int start(int index) {
    return bounds[2 * index];
  }

  byte[] bytes() {
    return line.bytes;
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= count) {
      throw new MalformedRecordException("expected at least " + (index + 1) + " fields, found " + count);
    }
  }
}
