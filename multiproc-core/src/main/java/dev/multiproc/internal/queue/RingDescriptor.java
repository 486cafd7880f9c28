package dev.multiproc.internal.queue;

import dev.multiproc.internal.shm.SegmentLayout;

/**
 * The binary layout of a {@link SharedRing}: a control block of cache lines, then the data area
 * of records. All ring offsets come from here; the segment header before it ({@link SegmentLayout})
 * carries the magic, version and kind, so a foreign or stale segment is refused before it is read.
 *
 * <pre>
 * control block (offsets from the ring's start; one cache line per writer role):
 *    0  capacity (long, power of two) | max items (int, 0 = unbounded) | spill threshold (int)
 *       | variant (int, at +16: what the public object over it is)
 *   64  producer lock region (futex word + owner identity, {@link SegmentLayout#LOCK_REGION_BYTES})
 *  128  consumer lock region
 *  192  tail (long, next free byte)    | claims (long, records claimed)      [producer lock]
 *  256  head (long, next record)       | released (long) | taken (long)      [consumer lock]
 *  320  published (long, items complete; atomic add by producers)
 *  384  not-empty signal (int futex: 1 = consumers may sleep on it)
 *  448  not-full signal (int futex: 1 = producers may sleep on it)
 *  512  unfinished tasks (int futex)   | sleeping joiners (int)
 *  576  lost records (long)            | spill sequence (long)
 *  640  writer closed flag (int)       | owner of the reading end (long, at +8) | owner of the writing end (long, at +16)
 * 1024  data: capacity bytes of records
 * </pre>
 *
 * A record starts 16-byte aligned and never wraps: one that does not fit before the end of the data
 * area is preceded by a padding record that fills it.
 *
 * <pre>
 *  0                   4                   8                                  16
 *  +-------------------+-------------------+-----------------------------------+---------
 *  | length (int)      | type (int)        | writer identity (long)            | body ...
 *  +-------------------+-------------------+-----------------------------------+---------
 * </pre>
 *
 * {@code length} counts header and body bytes, unaligned. It is negative while the record is being
 * written (the writer's claim) and becomes positive, with a volatile store, when the body is
 * complete. The writer identity (pid + start time) lets a consumer tell a slow writer from a dead
 * one. Types: {@link #ITEM} (the body is the encoded item), {@link #PADDING} (skip), {@link #SPILL}
 * (the body is a length and the name of a file holding the item).
 */
final class RingDescriptor {
  static final long CAPACITY = 0;
  static final long MAX_ITEMS = 8;
  static final long SPILL_THRESHOLD = 12;
  static final long VARIANT = 16;
  static final long PRODUCER_LOCK = 64;
  static final long CONSUMER_LOCK = 128;
  static final long TAIL = 192;
  static final long CLAIMS = 200;
  static final long HEAD = 256;
  static final long RELEASED = 264;
  static final long TAKEN = 272;
  static final long PUBLISHED = 320;
  static final long NOT_EMPTY = 384;
  static final long NOT_FULL = 448;
  static final long UNFINISHED = 512;
  static final long JOIN_SLEEPERS = 516;
  static final long LOST = 576;
  static final long SPILL_SEQUENCE = 584;
  static final long WRITER_CLOSED = 640;
  static final long READER_OWNER = 648;
  static final long WRITER_OWNER = 656;

  /** Where the data area starts. */
  static final long CONTROL_BYTES = 1024;

  static final int HEADER_BYTES = 16;
  static final long LENGTH_OFFSET = 0;
  static final long WRITER_OFFSET = 8;
  static final int ALIGNMENT = 16; // a padding record always has room for its 16-byte header

  static final int ITEM = 1;
  static final int PADDING = 2;
  static final int SPILL = 3;

  /** Smallest data area: records of any size up to the spill threshold must fit with room to spare. */
  static final long MIN_CAPACITY = 4096;

  private RingDescriptor() {}

  /** {@return the bytes a ring of {@code capacity} data bytes occupies} */
  static long ringBytes(long capacity) {
    return CONTROL_BYTES + capacity;
  }

  /** {@return the space a record of {@code length} bytes occupies} */
  static long aligned(long length) {
    return (length + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /** {@return the first header word: length and type in one 64-bit store} */
  static long headerWord(int length, int type) {
    return ((long) type << 32) | (length & 0xFFFF_FFFFL);
  }

  static int length(long headerWord) {
    return (int) headerWord;
  }

  static int type(long headerWord) {
    return (int) (headerWord >>> 32);
  }
}
