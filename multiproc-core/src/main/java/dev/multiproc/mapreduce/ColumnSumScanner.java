package dev.multiproc.mapreduce;

import dev.multiproc.internal.mapreduce.ByteKeyLongTable;
import dev.multiproc.internal.mapreduce.CountsCombiner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@link ColumnSum}'s hot path: adds a block of whole lines to a table in one loop, eight bytes per
 * step, and stops at the first line it cannot take as well-formed, which the caller hands to
 * {@link ColumnSum#map} (the general path, which counts, skips or reports it exactly as it always
 * has).
 *
 * <p>Why it looks like this: on a 21 MB split of 1-gram lines in memory, C1 only as in a word
 * count's workers, the general path (a {@link Line} per line, {@link ColumnSum#map}, a table, then
 * encoding its partitions) takes ~72 ms; this with {@link CountsCombiner} ~26 ms (JMH, {@code
 * MapSplitBenchmark} in {@code multiproc-jmh}). The one-pass per-line path it replaced took ~70 ms
 * per split with file reads, this ~55 ms (an ad-hoc harness, same session). Each field's end is found with one 8-byte load and a zero-byte test (fields are
 * mostly shorter than eight bytes, so the branch is predictable); a value of up to eight digits is
 * parsed with three multiplications instead of a loop; and a run of lines with the same key (input
 * grouped by key, as the n-gram files are: one line per word and year) reaches the {@link
 * CountsCombiner} once, summed, instead of once per line.
 *
 * <p>What it takes is exactly what the general path counts: a line of exactly {@code columns}
 * fields, a non-empty key, and a value of an optional {@code -} and 1 to 18 decimal digits (so it
 * cannot overflow). Longer values, empty lines and anything malformed are declined. A {@code \r}
 * before a line's end is dropped, as {@link LineReader} does. Not thread-safe: one per task.
 */
final class ColumnSumScanner {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ZEROS = 0x3030303030303030L;
  private static final int MAX_DIGITS = 18;

  private final byte separator;
  private final long separators;
  private final int columns;
  private final int keyColumn;
  private final int valueColumn;
  private long lines;

  ColumnSumScanner(ColumnSum sum) {
    if (!supports(sum)) {
      throw new IllegalArgumentException("a line terminator as separator: " + (int) sum.separator());
    }
    separator = (byte) sum.separator();
    separators = ONES * separator;
    columns = sum.columns();
    keyColumn = sum.keyColumn();
    valueColumn = sum.valueColumn();
  }

  /** Whether the scanner can read this sum's lines: not when the separator is a line terminator. */
  static boolean supports(ColumnSum sum) {
    return sum.separator() != '\n' && sum.separator() != '\r';
  }

  /** {@return how many lines this scanner has added} */
  long lines() {
    return lines;
  }

  /**
   * Adds the lines of {@code bytes[from, to)} to {@code counts}, a block of whole lines (see {@link
   * LineReader.BlockVisitor}), up to the first one it declines.
   *
   * @return where the declined line starts, or {@code to} when every line was added
   */
  int addLines(byte[] bytes, int from, int to, CountsCombiner counts) {
    final int safe = to - Long.BYTES; // a word load at or below this index stays in the block
    final int lastColumn = columns - 1;
    int runFrom = 0;
    int runLength = -1; // no run yet
    long runSum = 0;
    int runLines = 0;
    int added = 0;
    int at = from;
    scan:
    while (at < to) {
      int fieldStart = at;
      int keyFrom = 0;
      int keyTo = 0;
      int valueFrom = 0;
      int valueTo = 0;
      for (int field = 0; ; field++) {
        // The field ends at the first separator or newline at or after its start.
        int end = fieldStart;
        while (true) {
          if (end > safe) {
            while (end < to && bytes[end] != separator && bytes[end] != '\n') {
              end++;
            }
            break;
          }
          long word = (long) LONGS.get(bytes, end);
          long s = word ^ separators;
          long n = word ^ NEWLINES;
          long found = ((s - ONES) & ~s | (n - ONES) & ~n) & HIGHS;
          if (found != 0) {
            end += LineReader.lowestMarkedByte(found);
            break;
          }
          end += Long.BYTES;
        }
        boolean lineEnds = end == to || bytes[end] == '\n';
        if (lineEnds != (field == lastColumn)) {
          break scan; // too few or too many fields
        }
        int contentEnd = lineEnds && end > fieldStart && bytes[end - 1] == '\r' ? end - 1 : end;
        if (field == keyColumn) {
          keyFrom = fieldStart;
          keyTo = contentEnd;
        }
        if (field == valueColumn) {
          valueFrom = fieldStart;
          valueTo = contentEnd;
        }
        fieldStart = end + 1;
        if (lineEnds) {
          break;
        }
      }
      int keyLength = keyTo - keyFrom;
      if (keyLength == 0) {
        break;
      }
      long value = parseValue(bytes, valueFrom, valueTo);
      if (value == Long.MIN_VALUE) {
        break;
      }
      if (keyLength == runLength && sameBytes(bytes, runFrom, keyFrom, keyLength)) {
        runSum += value;
        runLines++;
      } else {
        if (runLength > 0) {
          counts.add(bytes, runFrom, runLength, runSum, runLines);
        }
        runFrom = keyFrom;
        runLength = keyLength;
        runSum = value;
        runLines = 1;
      }
      added++;
      at = fieldStart;
    }
    if (runLength > 0) {
      counts.add(bytes, runFrom, runLength, runSum, runLines);
    }
    lines += added;
    return Math.min(at, to);
  }

  /**
   * Parses an optional {@code -} and 1 to 18 digits; {@code Long.MIN_VALUE} (which no such value
   * is) for anything else.
   */
  private static long parseValue(byte[] bytes, int from, int to) {
    boolean negative = from < to && bytes[from] == '-';
    int i = negative ? from + 1 : from;
    int digits = to - i;
    long value;
    if (digits >= 1 && digits <= Long.BYTES && i + Long.BYTES <= bytes.length) {
      // The digits, as values 0-9, moved to the word's high bytes; the low bytes become zeros.
      long x = ((long) LONGS.get(bytes, i) - ZEROS) << ((Long.BYTES - digits) << 3);
      if ((((x + 0x7676767676767676L) | x) & HIGHS) != 0) {
        return Long.MIN_VALUE; // a byte that is no digit
      }
      // Pairs, then quadruples, then the eight: each step multiplies the more significant half.
      x = (x * 10 + (x >>> 8)) & 0x00FF00FF00FF00FFL;
      x = (x * 100 + (x >>> 16)) & 0x0000FFFF0000FFFFL;
      value = (x * 10000 + (x >>> 32)) & 0xFFFFFFFFL;
    } else if (digits >= 1 && digits <= MAX_DIGITS) {
      value = 0;
      for (; i < to; i++) {
        int digit = bytes[i] - '0';
        if (digit < 0 || digit > 9) {
          return Long.MIN_VALUE;
        }
        value = value * 10 + digit;
      }
    } else {
      return Long.MIN_VALUE;
    }
    return negative ? -value : value;
  }

  /** A key of up to eight bytes is one masked word compare; longer ones go a word at a time. */
  private static boolean sameBytes(byte[] bytes, int a, int b, int length) {
    if (length <= Long.BYTES && Math.max(a, b) + Long.BYTES <= bytes.length) {
      long difference = (long) LONGS.get(bytes, a) ^ (long) LONGS.get(bytes, b);
      return difference << ((Long.BYTES - length) << 3) == 0;
    }
    return ByteKeyLongTable.sameBytes(bytes, a, bytes, b, length);
  }
}
