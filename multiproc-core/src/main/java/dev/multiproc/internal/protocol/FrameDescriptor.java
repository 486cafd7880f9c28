package dev.multiproc.internal.protocol;

/**
 * Owns the layout of every frame on a worker channel; nothing else hard-codes an offset.
 *
 * <pre>
 * Every frame:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  frame length (int32, big-endian)             |  bytes after this field
 * +---------------+-----------------------------------------------+
 * |  kind (u8)    |  body (kind-specific, see MessageCodec) ...   |
 * +---------------+-----------------------------------------------+
 *
 * The first frame a child sends is HELLO, whose body starts with:
 * +---------------------------------------------------------------+
 * |                       MAGIC 0x4D505243 ("MPRC")               |
 * +-------------------------------+-------------------------------+
 * |   PROTOCOL_VERSION (u16)      |  worker id, secret, pid ...   |
 * +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p>Strings are a u32 byte count followed by UTF-8; byte arrays are a u32 count followed by the
 * bytes. Every count is checked against the bytes that remain in the frame before anything is
 * allocated, and a frame length is checked against the channel's limit before its buffer is
 * allocated, so a corrupt or hostile peer can cost at most one limit-sized buffer.
 */
public final class FrameDescriptor {
  /** "MPRC" in ASCII: the first four body bytes of a HELLO frame. */
  public static final int MAGIC = 0x4D505243;
  /** Bumped on any incompatible change to a frame body. */
  public static final short PROTOCOL_VERSION = 1;
  /** Size of the length prefix. */
  public static final int LENGTH_FIELD_BYTES = Integer.BYTES;
  /** Size of the kind byte. */
  public static final int KIND_FIELD_BYTES = 1;
  /** Smallest legal value of the length field: a kind byte and an empty body. */
  public static final int MIN_FRAME_LENGTH = KIND_FIELD_BYTES;
  /** Default cap on one frame (and so on one task, argument or result): 256 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 256 << 20;
  /** Size of the per-worker secret presented in HELLO. */
  public static final int SECRET_BYTES = 32;
  /** Cap on a cause chain carried in a failure, so a cyclic or deep chain stays bounded. */
  public static final int MAX_CAUSE_DEPTH = 32;
  /** Cap on stack frames per throwable carried in a failure. */
  public static final int MAX_STACK_FRAMES = 2048;

  private FrameDescriptor() {}
}
