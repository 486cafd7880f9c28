package dev.multiproc.internal.shm;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The binary layout of every Multiproc shared-memory segment: a fixed header, then the payload of
 * one {@link Kind}. All offsets in {@code dev.multiproc.internal.shm} and {@code
 * dev.multiproc.shared} come from here.
 *
 * <pre>
 *  0                   8        12       16                  24                  32
 *  +-------------------+--------+--------+-------------------+-------------------+
 *  | magic "MPSHMSEG"  | version| kind   | payload bytes     | creator identity  |
 *  +-------------------+--------+--------+-------------------+-------------------+
 *  32                  40                                                       64
 *  +-------------------+----------------------------------------------------------+
 *  | element count     | reserved                                                 |
 *  +-------------------+----------------------------------------------------------+
 *  64                                                                           576
 *  +------------------------------------------------------------------------------+
 *  | attachment slots: 64 x packed ProcessIdentity (0 = free)                     |
 *  +------------------------------------------------------------------------------+
 *  640: payload (64-byte aligned)
 * </pre>
 *
 * The magic is written last when a segment is created (after the creator's attachment slot), so a
 * reader that sees the magic also sees a complete header and at least one attachment. A segment
 * whose magic or version does not match is refused, never interpreted.
 *
 * <p>A lock region (used by locks and by shared values' {@code getLock()}) is 16 bytes: a 32-bit
 * futex word at +0 (owner pid | {@link #LOCK_WAITERS}) and the owner's packed {@link
 * ProcessIdentity} at +8.
 */
public final class SegmentLayout {
  /** "MPSHMSEG" in ASCII, big-endian. */
  public static final long MAGIC = 0x4D5053484D534547L;

  /** Bumped on any incompatible change to this layout. */
  public static final int VERSION = 1;

  static final long MAGIC_OFFSET = 0;
  static final long VERSION_OFFSET = 8;
  static final long KIND_OFFSET = 12;
  static final long PAYLOAD_BYTES_OFFSET = 16;
  static final long CREATOR_OFFSET = 24;
  static final long LENGTH_OFFSET = 32;
  static final long SLOTS_OFFSET = 64;

  /** How many processes may have a segment attached at once. */
  public static final int MAX_ATTACHED_PROCESSES = 64;

  /** Where the payload starts. */
  public static final long HEADER_BYTES = 640;

  /** Size of a lock region: futex word at +0, owner identity at +8, padded to a cache line. */
  public static final long LOCK_REGION_BYTES = 64;

  /** Offset of the owner identity in a lock region. */
  public static final long LOCK_OWNER_OFFSET = 8;

  /** Waiters bit of a lock word: someone may sleep on it, so unlock must wake. */
  public static final int LOCK_WAITERS = 1 << 31;

  /** Owner-pid bits of a lock word. */
  public static final int LOCK_PID_MASK = 0x3FFF_FFFF;

  /** Atomic access to {@code int} fields of a mapping: (segment, offset). */
  public static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  /** Atomic access to {@code long} fields of a mapping: (segment, offset). */
  public static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  /** What a segment holds; the code is stored in the header and checked on attach. */
  public enum Kind {
    RAW(1),
    INT_VALUE(2),
    LONG_VALUE(3),
    DOUBLE_VALUE(4),
    INT_ARRAY(5),
    LONG_ARRAY(6),
    DOUBLE_ARRAY(7),
    LOCK(8),
    REENTRANT_LOCK(9),
    SEMAPHORE(10),
    EVENT(11),
    CONDITION(12),
    BARRIER(13),
    /** A {@code dev.multiproc.queue} queue: one ring (see {@code internal.queue.RingDescriptor}). */
    QUEUE(14),
    /** A {@code dev.multiproc.connection.Pipe}: two rings, one per direction. */
    PIPE(15);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    /** {@return the code stored in the header} */
    public int code() {
      return code;
    }

    /** {@return the kind with {@code code}, or null} */
    static Kind of(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
    }
  }

  private SegmentLayout() {}

  /** {@return the offset of attachment slot {@code i}} */
  static long slotOffset(int i) {
    return SLOTS_OFFSET + 8L * i;
  }
}
