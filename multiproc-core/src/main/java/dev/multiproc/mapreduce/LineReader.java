package dev.multiproc.mapreduce;

import dev.multiproc.mapreduce.Split.RecordVisitor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the lines that start inside a byte range {@code [start, end)} of a file, the way Hadoop's
 * line reader does, so that adjacent ranges together yield every line exactly once: a range that
 * does not start at 0 first skips through the first line terminator at or after {@code start - 1}
 * (the previous range owns that line); a line that starts before {@code end} is read to its end
 * even past {@code end}.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped; the last line needs no
 * terminator. One buffer per reader, grown only for a line longer than the buffer.
 */
final class LineReader {
  /** Where bytes come from: a positioned file read or a (decompressing) stream. */
  @FunctionalInterface
  interface ByteSource {
    /**
     * Reads up to {@code length} bytes found at {@code position} of the source into {@code buffer}.
     *
     * @return the number of bytes read, or -1 at the end
     */
    int read(byte[] buffer, int offset, int length, long position) throws IOException;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int READ_PAST_END_BYTES = 1 << 16;

  private LineReader() {}

  /**
   * Takes whole lines a buffer at a time: {@code bytes[from, to)} holds complete lines, each ending
   * in {@code \n} (a {@code \r} before it is part of the line's bytes here) except that the very
   * last line of the source may have no terminator. A line starts at file position {@code base +}
   * its index in {@code bytes}. The array is the reader's buffer: valid only during the call.
   */
  @FunctionalInterface
  interface BlockVisitor {
    void visit(byte[] bytes, int from, int to, long base) throws Exception;
  }

  /**
   * Visits each line of a block (see {@link BlockVisitor}) through {@code line}, its {@code \r\n}
   * or {@code \n} dropped.
   */
  static void eachLine(byte[] bytes, int from, int to, long base, Line line, RecordVisitor<? super Line> visitor) throws Exception {
    int at = from;
    while (at < to) {
      int lineEnd = lineEnd(bytes, at, to);
      line.set(bytes, at, withoutCarriageReturn(bytes, at, lineEnd), base + at);
      visitor.visit(line);
      at = lineEnd + 1;
    }
  }

  /** Where the line starting at {@code at} of a block ends: its {@code \n}, or the block's end. */
  static int lineEnd(byte[] bytes, int at, int to) {
    int newline = indexOfNewline(bytes, at, to);
    return newline < 0 ? to : newline;
  }

  /** The end of the line's content: before a {@code \r} that precedes its end. */
  static int withoutCarriageReturn(byte[] bytes, int at, int lineEnd) {
    return lineEnd > at && bytes[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
  }

  /**
   * Reads the lines starting in {@code [start, end)}, a buffer of whole lines at a time: one call
   * per ~1 MB instead of one per line, for a caller whose per-line work is a short loop (see
   * {@link ColumnSum}).
   *
   * @param source the bytes
   * @param start the range start
   * @param end the range end (exclusive); {@code Long.MAX_VALUE} for "to the end"
   * @param visitor takes each block of lines
   */
  static void readBlocks(ByteSource source, long start, long end, BlockVisitor visitor) throws Exception {
    // A small range needs a small buffer (it grows if a line is longer).
    long span = end - start;
    byte[] buffer = new byte[span >= BUFFER_BYTES ? BUFFER_BYTES : Math.max(8 << 10, (int) span + 1024)];
    boolean skipping = start > 0;
    long base = skipping ? start - 1 : start; // file position of buffer[0]
    int limit = 0;
    int lineStart = 0; // where the first line not yet visited starts
    boolean eof = false;
    while (true) {
      if (!eof) {
        long filled = base + limit;
        int wanted = buffer.length - limit;
        if (filled >= end) {
          wanted = Math.min(wanted, READ_PAST_END_BYTES); // only the tail of the last line is left
        } else if (end - filled < wanted) {
          wanted = (int) Math.max(end - filled, Math.min(wanted, READ_PAST_END_BYTES));
        }
        int n = source.read(buffer, limit, wanted, filled);
        if (n < 0) {
          eof = true;
        } else {
          limit += n;
        }
      }
      if (skipping) { // the line around start - 1 belongs to the previous range
        int newline = indexOfNewline(buffer, lineStart, limit);
        if (newline < 0) {
          if (eof) {
            return;
          }
          base += limit; // all of it is that line: drop it
          limit = 0;
          lineStart = 0;
          continue;
        }
        skipping = false;
        lineStart = newline + 1;
      }
      // Lines that start at or after `end` belong to the next range.
      long endIndex = end - base;
      if (endIndex <= lineStart) {
        return;
      }
      int blockEnd = eof ? limit : lastIndexOfNewline(buffer, lineStart, limit) + 1; // complete lines only
      if (blockEnd > lineStart) {
        if (endIndex <= blockEnd) { // the range ends inside this block: through the line starting before it
          int newline = indexOfNewline(buffer, (int) endIndex - 1, blockEnd);
          visitor.visit(buffer, lineStart, newline < 0 ? blockEnd : newline + 1, base);
          return;
        }
        visitor.visit(buffer, lineStart, blockEnd, base);
        lineStart = blockEnd;
      }
      if (eof) {
        return;
      }
      if (lineStart > 0) {
        System.arraycopy(buffer, lineStart, buffer, 0, limit - lineStart);
        base += lineStart;
        limit -= lineStart;
        lineStart = 0;
      } else if (limit == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2); // a line longer than the buffer
      }
    }
  }

  /** The last {@code \n} in {@code [from, limit)}, or {@code from - 1} if there is none. */
  private static int lastIndexOfNewline(byte[] buffer, int from, int limit) {
    for (int i = limit - 1; i >= from; i--) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return from - 1;
  }

  /**
   * Finds the next {@code \n}, eight bytes per step: in {@code x = word ^ 0x0A..0A} a newline is a
   * zero byte, and {@code (x - 0x01..01) & ~x & 0x80..80} marks the lowest zero byte exactly.
   */
  static int indexOfNewline(byte[] buffer, int from, int limit) {
    int i = from;
    for (; i + Long.BYTES <= limit; i += Long.BYTES) {
      long x = (long) LONGS.get(buffer, i) ^ 0x0A0A0A0A0A0A0A0AL;
      long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (found != 0) {
        return i + lowestMarkedByte(found);
      }
    }
    for (; i < limit; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index (0-7) of the lowest byte whose high bit is set in {@code marks} (which has only byte
   * high bits set, at least one): what {@code Long.numberOfTrailingZeros(marks) >>> 3} is, without
   * the call. C1, which compiles workers' code, does not make that method an instruction; it calls
   * its Java body, which took a fifth of a word count's samples. Here: isolate the lowest mark, move
   * it to bit 0 of its byte, and let a multiplication carry the byte index into the top byte.
   */
  static int lowestMarkedByte(long marks) {
    return (int) ((((marks & -marks) >>> 7) * 0x0001020304050607L) >>> 56);
  }

  /**
   * Counts the lines before a position: the 1-based number of the line starting there. For error
   * messages only; reads the source from its start.
   */
  static long lineNumberAt(ByteSource source, long position) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long lines = 1;
    long at = 0;
    while (at < position) {
      int n = source.read(buffer, 0, (int) Math.min(buffer.length, position - at), at);
      if (n < 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          lines++;
        }
      }
      at += n;
    }
    return lines;
  }
}
