package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A fixed-length array of {@code double} in shared memory: Python's {@code
 * multiprocessing.Array('d', n)}, with the operations of an {@code AtomicLongArray} (compare-and-set compares bit patterns).
 *
 * <p>Pass it to child processes and pool tasks as an ordinary argument: it travels as a handle and
 * every receiving JVM attaches the same memory (no copy, whatever the length). Each method on one
 * cell is atomic across processes and threads, with volatile memory semantics; {@link #toArray()}
 * reads cell by cell (not a snapshot). Guard multi-cell updates with {@link #getLock()}. An index
 * out of range throws {@link IndexOutOfBoundsException}.
 *
 * {@snippet :
 * SharedDoubleArray squares = SharedDoubleArray.create(4);
 * pool.map(i -> { squares.set(i, i * i); return null; }, List.of(0, 1, 2, 3));
 * squares.toArray();                             // [0, 1, 4, 9]
 * }
 */
public final class SharedDoubleArray extends SharedCells {
  @Serial private static final long serialVersionUID = 1L;

  private static final VarHandle CELL = ValueLayout.JAVA_DOUBLE.varHandle();

  private SharedDoubleArray(Segment segment) {
    super(segment, 8);
  }

  /**
   * Creates a zero-filled shared array.
   *
   * @param length its length
   * @return the array, in its own shared segment
   */
  public static SharedDoubleArray create(int length) {
    return SegmentRegistry.create(Kind.DOUBLE_ARRAY, payloadBytes(length, 8), length, SharedDoubleArray::new);
  }

  /**
   * Creates a shared array holding a copy of {@code values}.
   *
   * @param values the initial contents
   * @return the array, in its own shared segment
   */
  public static SharedDoubleArray of(double... values) {
    SharedDoubleArray array = create(values.length);
    for (int i = 0; i < values.length; i++) {
      array.set(i, values[i]);
    }
    return array;
  }

  static SharedDoubleArray attach(String name) {
    return SegmentRegistry.view(name, Kind.DOUBLE_ARRAY, SharedDoubleArray::new);
  }

  /** {@return the number of cells} */
  public int length() {
    return (int) cellCount();
  }

  /**
   * Reads a cell (a volatile read).
   *
   * @param index the cell
   * @return its value
   */
  public double get(int index) {
    return (double) CELL.getVolatile(memory, cell(index));
  }

  /**
   * Writes a cell (a volatile write).
   *
   * @param index the cell
   * @param value the new value
   */
  public void set(int index, double value) {
    CELL.setVolatile(memory, cell(index), value);
  }

  /**
   * Atomically sets cell {@code index} to {@code newValue} if it holds {@code expected}.
   *
   * @param index the cell
   * @param expected the value expected
   * @param newValue the new value
   * @return whether it was set
   */
  public boolean compareAndSet(int index, double expected, double newValue) {
    return CELL.compareAndSet(memory, cell(index), expected, newValue);
  }

  /**
   * Atomically adds {@code delta} to cell {@code index} (a compare-and-set loop).
   *
   * @param index the cell
   * @param delta the amount to add
   * @return the previous value
   */
  public double getAndAdd(int index, double delta) {
    for (;;) {
      double current = get(index);
      if (compareAndSet(index, current, current + delta)) {
        return current;
      }
    }
  }

  /** {@return a copy of the cells, read one by one} */
  public double[] toArray() {
    double[] copy = new double[length()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = get(i);
    }
    return copy;
  }
}
