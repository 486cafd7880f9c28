package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What shared values and arrays have in common: a lock region (their {@link #getLock()}, as
 * Python's {@code Value} and {@code Array} carry an {@code RLock}) followed by the cells.
 *
 * <pre>
 * payload: | lock word (4) | pad (4) | lock owner (8) | cell 0 | cell 1 | ... |   cells are 4 or 8 bytes
 * </pre>
 *
 * The first cells share the lock's cache line on purpose: a locked update then moves one line
 * between processes instead of two (measured: the locked counter benchmark's main cost).
 */
abstract class SharedCells extends SharedObject {
  @Serial private static final long serialVersionUID = 1L;

  /** Offset of cell 0 in the payload. */
  static final long CELLS = SegmentLayout.LOCK_OWNER_OFFSET + 8;

  final transient MemorySegment memory;
  private final transient ProcessReentrantLock lock;
  private final transient long length;
  private final transient int cellShift;

  SharedCells(Segment segment, int cellBytes) {
    super(segment);
    this.memory = segment.payload();
    this.lock = new ProcessReentrantLock(segment, 0, true);
    this.length = segment.length();
    this.cellShift = Integer.numberOfTrailingZeros(cellBytes);
  }

  /** {@return the payload size for {@code length} cells of {@code cellBytes}} */
  static long payloadBytes(long length, int cellBytes) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, was " + length);
    }
    return CELLS + length * cellBytes;
  }

  /**
   * {@return the lock that guards compound updates of this object} Python's {@code
   * v.get_lock()}: {@code with v.get_lock(): v.value += 1} is {@code lock.lock(); try { v.set(v.get()
   * + 1); } finally { lock.unlock(); }}. Single operations ({@code get}, {@code set}, {@code
   * getAndAdd}, {@code compareAndSet}) are atomic without it. It travels with the object: every
   * process gets the same lock.
   */
  public ProcessReentrantLock getLock() {
    return lock;
  }

  /** {@return the number of cells} */
  long cellCount() {
    return length;
  }

  /** {@return the payload offset of cell {@code index}, bounds-checked} */
  final long cell(long index) {
    return CELLS + (Objects.checkIndex(index, length) << cellShift);
  }

  @Override
  SharedHandle handle() {
    return new SharedHandle(segment.name(), segment.kind(), false, null);
  }
}
