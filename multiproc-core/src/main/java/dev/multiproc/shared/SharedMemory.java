package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A block of memory shared between processes: Python's {@code
 * multiprocessing.shared_memory.SharedMemory}, as a {@link MemorySegment}.
 *
 * <p>Created by size, attached by {@linkplain #name() name} with {@link #attach(String)}, or passed
 * to a child process or pool task as an ordinary argument (it travels as its name and is attached
 * on arrival). The memory is a file in {@code /dev/shm} with a header (magic, layout version, kind,
 * creator pid and start time), so attaching something that is not a Multiproc segment, or one left
 * by processes that all died, fails with a {@link SharedMemoryException} instead of being misread.
 * Creation checks the free space of {@code /dev/shm} first: a full tmpfs would otherwise surface
 * as a SIGBUS on first touch.
 *
 * <p><b>Thread and process safety.</b> The object is thread-safe; the bytes are yours: plain
 * accesses race, use {@code VarHandle} atomics (e.g. {@code ValueLayout.JAVA_LONG.varHandle()}) or
 * a {@link ProcessLock} to coordinate. Atomic operations through {@code VarHandle}s are atomic
 * across processes.
 *
 * <p><b>Lifecycle.</b> The creator owns the segment; every process that attaches it is recorded
 * (pid and start time). {@link #close()} detaches this process; the file is removed when the last
 * live user detaches or exits, never while a live process still has it attached. Segments whose
 * users were all killed are reclaimed by the next Multiproc process that creates a segment, or by
 * {@link #reclaimOrphans()}. {@link #unlink()} removes the name at once, as in Python.
 *
 * {@snippet :
 * try (SharedMemory shm = SharedMemory.create(1024)) {
 *   shm.segment().set(ValueLayout.JAVA_LONG, 0, 42);
 *   ChildProcess<Long> p = ChildProcess.of(s -> s.segment().get(ValueLayout.JAVA_LONG, 0), shm);
 *   p.start();
 *   p.join();                                  // p.result() == 42, read in the child
 * }
 * }
 */
public final class SharedMemory extends SharedObject {
  @Serial private static final long serialVersionUID = 1L;

  private SharedMemory(Segment segment) {
    super(segment);
  }

  /**
   * Creates a zero-filled segment.
   *
   * @param size its size in bytes
   * @return the segment
   * @throws SharedMemoryException if {@code /dev/shm} has not enough free space
   */
  public static SharedMemory create(long size) {
    return SegmentRegistry.create(Kind.RAW, size, 0, SharedMemory::new);
  }

  /**
   * Attaches an existing segment (in this JVM, the same object as any other handle to it).
   *
   * @param name its {@link #name()}
   * @return the segment
   * @throws SharedMemoryException if there is no such segment or it is not a raw Multiproc segment
   */
  public static SharedMemory attach(String name) {
    return SegmentRegistry.view(name, Kind.RAW, SharedMemory::new);
  }

  /** {@return the shared bytes (the segment's header is not part of it)} */
  public MemorySegment segment() {
    return segment.payload();
  }

  /** {@return the size in bytes} */
  public long size() {
    return segment.payload().byteSize();
  }

  /**
   * Removes the segment's name now (Python's {@code unlink()}): processes that have it attached
   * keep using it, no process can attach it any more.
   */
  public void unlink() {
    segment.unlink();
  }

  /**
   * Removes segments that only dead processes had attached (after a crash or {@code kill -9}).
   * Never removes a segment a live process uses.
   *
   * @return the names removed
   */
  public static List<String> reclaimOrphans() {
    return SegmentRegistry.reclaimOrphans();
  }
}
