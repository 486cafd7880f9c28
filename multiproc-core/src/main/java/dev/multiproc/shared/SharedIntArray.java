package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A fixed-length array of {@code int} in shared memory: Python's {@code
 * multiprocessing.Array('i', n)}, with the operations of an {@code AtomicIntegerArray}.
 *
 * <p>Pass it to child processes and pool tasks as an ordinary argument: it travels as a handle and
 * every receiving JVM attaches the same memory (no copy, whatever the length). Each method on one
 * cell is atomic across processes and threads, with volatile memory semantics; {@link #toArray()}
 * reads cell by cell (not a snapshot). Guard multi-cell updates with {@link #getLock()}. An index
 * out of range throws {@link IndexOutOfBoundsException}.
 *
 * {@snippet :
 * SharedIntArray squares = SharedIntArray.create(4);
 * pool.map(i -> { squares.set(i, i * i); return null; }, List.of(0, 1, 2, 3));
 * squares.toArray();                             // [0, 1, 4, 9]
 * }
 */
public final class SharedIntArray extends SharedCells {
  @Serial private static final long serialVersionUID = 1L;

  private static final VarHandle CELL = ValueLayout.JAVA_INT.varHandle();

  private SharedIntArray(Segment segment) {
    super(segment, 4);
  }

  /**
   * Creates a zero-filled shared array.
   *
   * @param length its length
   * @return the array, in its own shared segment
   */
  public static SharedIntArray create(int length) {
    return SegmentRegistry.create(Kind.INT_ARRAY, payloadBytes(length, 4), length, SharedIntArray::new);
  }

  /**
   * Creates a shared array holding a copy of {@code values}.
   *
   * @param values the initial contents
   * @return the array, in its own shared segment
   */
  public static SharedIntArray of(int... values) {
    SharedIntArray array = create(values.length);
    for (int i = 0; i < values.length; i++) {
      array.set(i, values[i]);
    }
    return array;
  }

  static SharedIntArray attach(String name) {
    return SegmentRegistry.view(name, Kind.INT_ARRAY, SharedIntArray::new);
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
  public int get(int index) {
    return (int) CELL.getVolatile(memory, cell(index));
  }

  /**
   * Writes a cell (a volatile write).
   *
   * @param index the cell
   * @param value the new value
   */
  public void set(int index, int value) {
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
  public boolean compareAndSet(int index, int expected, int newValue) {
    return CELL.compareAndSet(memory, cell(index), expected, newValue);
  }

  /**
   * Atomically adds {@code delta} to cell {@code index}.
   *
   * @param index the cell
   * @param delta the amount to add
   * @return the previous value
   */
  public int getAndAdd(int index, int delta) {
    return (int) CELL.getAndAdd(memory, cell(index), delta);
  }

  /**
   * Atomically adds {@code delta} to cell {@code index}.
   *
   * @param index the cell
   * @param delta the amount to add
   * @return the new value
   */
  public int addAndGet(int index, int delta) {
    return (int) CELL.getAndAdd(memory, cell(index), delta) + delta;
  }

  /**
   * Atomically adds one to cell {@code index}.
   *
   * @param index the cell
   * @return the new value
   */
  public int incrementAndGet(int index) {
    return addAndGet(index, 1);
  }

  /** {@return a copy of the cells, read one by one} */
  public int[] toArray() {
    int[] copy = new int[length()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = get(i);
    }
    return copy;
  }
}
