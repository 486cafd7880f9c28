package dev.multiproc.internal.launch;

import java.nio.charset.StandardCharsets;

/**
 * The last few kilobytes a child wrote to a stream, kept so that a crash report can show what the
 * child said last (a JVM's fatal error banner, an OutOfMemoryError, the hs_err file path).
 * Thread-safe; bounded.
 */
public final class OutputTail {
  private static final int CAPACITY = 4096;

  private final byte[] ring = new byte[CAPACITY];
  private long written;

  synchronized void append(byte[] bytes, int offset, int length) {
    for (int i = Math.max(0, length - CAPACITY); i < length; i++) {
      ring[(int) (written++ % CAPACITY)] = bytes[offset + i];
    }
  }

  /**
   * The last lines written.
   *
   * @param maxLines how many lines at most
   * @return those lines, or an empty string if nothing was written
   */
  public synchronized String lastLines(int maxLines) {
    int size = (int) Math.min(written, CAPACITY);
    byte[] ordered = new byte[size];
    long start = written - size;
    for (int i = 0; i < size; i++) {
      ordered[i] = ring[(int) ((start + i) % CAPACITY)];
    }
    String text = new String(ordered, StandardCharsets.UTF_8).stripTrailing();
    String[] lines = text.split("\n", -1);
    int from = Math.max(0, lines.length - maxLines);
    return String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
  }
}
