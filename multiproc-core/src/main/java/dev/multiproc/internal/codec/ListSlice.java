package dev.multiproc.internal.codec;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A read-only view of part of a list that {@link ValueEncoding} sends as it sends an {@code
 * ArrayList}, and that arrives as one: a map chunk, which used to be copied into an {@code
 * ArrayList} of its own first only to be encoded at once (a copy the size of the whole input per
 * map, and garbage). Only for a slice encoded before its list can change: it reads the list when
 * it is encoded, not when it is made.
 *
 * @param <T> the element type
 */
public final class ListSlice<T> extends AbstractList<T> implements RandomAccess, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final transient List<T> list;
  private final transient int from;
  private final transient int size;

  private ListSlice(List<T> list, int from, int to) {
    this.list = list;
    this.from = from;
    this.size = to - from;
  }

  /**
   * A slice of a random-access list.
   *
   * @param list the list
   * @param from the first index, inclusive
   * @param to the last index, exclusive
   * @param <T> the element type
   * @return the slice
   */
  public static <T> ListSlice<T> of(List<T> list, int from, int to) {
    if (!(list instanceof RandomAccess)) {
      throw new IllegalArgumentException("a slice needs a random-access list");
    }
    Objects.checkFromToIndex(from, to, list.size());
    return new ListSlice<>(list, from, to);
  }

  @Override
  public T get(int index) {
    return list.get(from + Objects.checkIndex(index, size));
  }

  @Override
  public int size() {
    return size;
  }

  /** Through a codec it travels as what it stands for: an {@code ArrayList} of its elements. */
  @Serial
  private Object writeReplace() {
    return new ArrayList<>(this);
  }
}
