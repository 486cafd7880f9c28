package dev.multiproc.internal.codec;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An unmodifiable list of only {@code Integer}s, only {@code Long}s or only {@code Double}s, held
 * unboxed in one primitive array and boxed on {@link #get}. Map chunks travel and arrive as these,
 * and a map's result is one: a million results of a map used to be a million boxes in the parent,
 * decoded per chunk, copied into the result list, and copied again by every young collection that
 * caught them alive (which, at map's pace, was most of the parent's time).
 *
 * <p>Thread-safe once published (nothing changes after construction). Through a codec it travels
 * as what it stands for, an {@code ArrayList} of its elements.
 */
public final class PackedNumberList extends AbstractList<Object> implements RandomAccess, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** What the elements are. */
  public enum Kind {
    /** {@code Integer}s, in an {@code int[]}. */
    INT,
    /** {@code Long}s, in a {@code long[]}. */
    LONG,
    /** {@code Double}s, as their raw bits in a {@code long[]} (every NaN kept as it was). */
    DOUBLE
  }

  private final transient Kind kind;
  private final transient int[] ints; // INT
  private final transient long[] longs; // LONG and DOUBLE

  private PackedNumberList(Kind kind, int[] ints, long[] longs) {
    this.kind = kind;
    this.ints = ints;
    this.longs = longs;
  }

  /**
   * A list over {@code values}, which it takes (the caller must not change them afterwards).
   *
   * @param values the values
   * @return the list
   */
  public static PackedNumberList ofInts(int[] values) {
    return new PackedNumberList(Kind.INT, Objects.requireNonNull(values), null);
  }

  /**
   * A list over {@code values}, which it takes.
   *
   * @param kind {@link Kind#LONG}, or {@link Kind#DOUBLE} for raw double bits
   * @param values the values
   * @return the list
   */
  public static PackedNumberList ofLongs(Kind kind, long[] values) {
    if (kind == Kind.INT) {
      throw new IllegalArgumentException("ints go in an int[]");
    }
    return new PackedNumberList(kind, null, Objects.requireNonNull(values));
  }

  /**
   * {@code list} packed, if it is a non-empty list of only {@code Integer}s, only {@code Long}s or
   * only {@code Double}s; otherwise {@code list} itself.
   *
   * @param list the list
   * @return the packed copy, or the list
   */
  public static List<?> packIfNumbers(List<?> list) {
    int n = list.size();
    if (n == 0 || !(list instanceof RandomAccess)) {
      return list;
    }
    Object first = list.getFirst();
    if (first instanceof Integer) {
      int[] values = new int[n];
      for (int i = 0; i < n; i++) {
        if (!(list.get(i) instanceof Integer value)) {
          return list;
        }
        values[i] = value;
      }
      return ofInts(values);
    }
    boolean isLong = first instanceof Long;
    if (!isLong && !(first instanceof Double)) {
      return list;
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      Object element = list.get(i);
      if (isLong && element instanceof Long value) {
        values[i] = value;
      } else if (!isLong && element instanceof Double value) {
        values[i] = Double.doubleToRawLongBits(value);
      } else {
        return list;
      }
    }
    return ofLongs(isLong ? Kind.LONG : Kind.DOUBLE, values);
  }

  /** {@return what the elements are} */
  public Kind kind() {
    return kind;
  }

  /**
   * Copies the elements, unboxed, into {@code target} at {@code offset}.
   *
   * @param target an {@code int[]} for {@link Kind#INT}, else a {@code long[]}
   * @param offset where the first element goes
   */
  public void copyInto(Object target, int offset) {
    if (kind == Kind.INT) {
      System.arraycopy(ints, 0, (int[]) target, offset, ints.length);
    } else {
      System.arraycopy(longs, 0, (long[]) target, offset, longs.length);
    }
  }

  /** The backing array, for the encoding (which must not change it). */
  int[] ints() {
    return ints;
  }

  /** The backing array, for the encoding (which must not change it). */
  long[] longs() {
    return longs;
  }

  @Override
  public Object get(int index) {
    return switch (kind) {
      case INT -> ints[index];
      case LONG -> longs[index];
      case DOUBLE -> Double.longBitsToDouble(longs[index]);
    };
  }

  @Override
  public int size() {
    return kind == Kind.INT ? ints.length : longs.length;
  }

  @Serial
  private Object writeReplace() {
    return new ArrayList<>(this);
  }
}
