package dev.multiproc.mapreduce;

import java.nio.charset.StandardCharsets;

/**
 * One line of a {@link TextInput}: a flyweight view of UTF-8 bytes in the reader's buffer, without
 * the line terminator ({@code \n} or {@code \r\n}). Reading a file allocates no object per line.
 *
 * <p>A line is valid only during the mapper call that receives it: copy what you keep with {@link
 * #toString()} or {@link Fields#get(int)}. Not thread-safe.
 *
 * <pre>{@code
 * (Line line, KeyCounter counts) -> {
 *   Fields f = line.split('\t');        // word TAB year TAB match_count TAB volume_count
 *   f.requireCount(4);
 *   counts.add(f, 0, f.parseLong(2));    // key = field 0, no String allocated
 * }
 * }</pre>
 */
public final class Line {
  private final Fields fields = new Fields(this);
  byte[] bytes;
  int from;
  int to;
  private long offset;

  Line() {}

  void set(byte[] bytes, int from, int to, long offset) {
    this.bytes = bytes;
    this.from = from;
    this.to = to;
    this.offset = offset;
  }

  /** {@return the length in bytes, without the line terminator} */
  public int length() {
    return to - from;
  }

  /** {@return true when the line has no bytes} */
  public boolean isEmpty() {
    return to == from;
  }

  /**
   * Returns one byte of the line.
   *
   * @param index from 0 to {@code length() - 1}
   * @return the byte
   */
  public byte byteAt(int index) {
    if (index < 0 || index >= to - from) {
      throw new IndexOutOfBoundsException("index " + index + " out of line of length " + (to - from));
    }
    return bytes[from + index];
  }

  /** {@return where the line starts in its file, in bytes (uncompressed bytes for gzip files)} */
  public long offset() {
    return offset;
  }

  /**
   * Splits the line at an ASCII separator. The returned {@link Fields} is this line's own flyweight,
   * reused by the next call.
   *
   * @param separator an ASCII character, e.g. {@code '\t'}
   * @return the fields
   */
  public Fields split(char separator) {
    if (separator > 0x7F) {
      throw new IllegalArgumentException("the separator must be ASCII, got U+" + Integer.toHexString(separator));
    }
    fields.scan((byte) separator);
    return fields;
  }

  /** {@return the line decoded as UTF-8} */
  @Override
  public String toString() {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }
}
