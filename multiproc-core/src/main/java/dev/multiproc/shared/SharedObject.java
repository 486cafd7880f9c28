package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;

/**
 * What every shared object is: a view over one segment, serialized as a {@link SharedHandle}
 * (never by its fields) and re-attached on the other side, and closed to detach this process.
 */
abstract class SharedObject implements Serializable, AutoCloseable {
  @Serial private static final long serialVersionUID = 1L;

  final transient Segment segment;

  SharedObject(Segment segment) {
    this.segment = segment;
  }

  /** {@return the segment's name in {@code /dev/shm}, unique on this machine} */
  public String name() {
    return segment.name();
  }

  /**
   * Detaches this process: other processes keep using the object; the segment is removed when the
   * last live process that uses it detaches (or dies). Operations on this object afterwards throw
   * {@link IllegalStateException}. Processes detach automatically when they exit. Idempotent.
   */
  @Override
  public void close() {
    segment.close();
  }

  /** {@return what travels instead of this object} */
  SharedHandle handle() {
    return new SharedHandle(segment.name(), segment.kind(), false, null);
  }

  @Serial
  final Object writeReplace() {
    return handle();
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("shared objects travel as handles");
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + segment.name() + "]";
  }
}
