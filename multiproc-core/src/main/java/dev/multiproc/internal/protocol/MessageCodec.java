package dev.multiproc.internal.protocol;

import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.DumpThreads;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import dev.multiproc.internal.protocol.Message.ThreadDump;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link Message}s into frames and frames back into messages, as {@link FrameDescriptor}
 * draws them.
 *
 * <p>Decoding trusts nothing: every count is checked against what remains in the frame, the frame
 * must be consumed exactly, and any violation is a {@link ProtocolException} (never an
 * {@link OutOfMemoryError}, {@link BufferUnderflowException} or silent misread).
 */
public final class MessageCodec {

  private MessageCodec() {}

  /** {@return a complete frame for {@code message}: length prefix, kind byte and body, ready to write} */
  public static ByteBuffer encode(Message message) {
    return encode(message, frameLength(message));
  }

  /**
   * {@link #encode(Message)} for a caller that already has {@link #frameLength}: the frame is
   * built in one buffer of its exact size (a growing one left a chunk-sized task's frame behind
   * several times over as garbage).
   *
   * @param message the message
   * @param frameLength its {@link #frameLength}
   * @return the frame
   */
  public static ByteBuffer encode(Message message, long frameLength) {
    ByteSink sink = new ByteSink((int) Math.min(Integer.MAX_VALUE - 8, FrameDescriptor.LENGTH_FIELD_BYTES + frameLength));
    sink.putInt(0); // length, patched below
    // An if-chain, not a pattern switch: a type switch's first use bootstraps an invokedynamic
    // call site (~7 ms in a cold JVM), and this runs on every worker's start-up path. The
    // round-trip tests cover every kind, which is what exhaustiveness checking would give.
    if (message instanceof Hello h) {
      sink.put(MessageKind.HELLO.code);
      sink.putInt(FrameDescriptor.MAGIC);
      sink.putShort(FrameDescriptor.PROTOCOL_VERSION);
      sink.putString(h.workerId());
      sink.putBytes(h.secret());
      sink.putLong(h.pid());
    } else if (message instanceof RunTask r) {
      sink.put(MessageKind.RUN_TASK.code);
      sink.putLong(r.taskId());
      sink.put((byte) (r.exitAfter() ? 1 : 0));
      sink.putBytes(r.payload());
    } else if (message instanceof TaskResult r) {
      sink.put(MessageKind.TASK_RESULT.code);
      sink.putLong(r.taskId());
      sink.putBytes(r.payload());
    } else if (message instanceof TaskFailure f) {
      sink.put(MessageKind.TASK_FAILURE.code);
      sink.putLong(f.taskId());
      putDescription(sink, f.description());
      sink.putBytes(f.encoded());
    } else if (message instanceof Heartbeat h) {
      sink.put(MessageKind.HEARTBEAT.code);
      sink.putLong(h.sequence());
    } else if (message instanceof Cancel c) {
      sink.put(MessageKind.CANCEL.code);
      sink.putLong(c.taskId());
    } else if (message instanceof Shutdown sd) {
      sink.put(MessageKind.SHUTDOWN.code);
      sink.putInt(sd.exitCode());
    } else if (message instanceof Signalled sg) {
      sink.put(MessageKind.SIGNALLED.code);
      sink.putInt(sg.signal());
    } else if (message instanceof Exiting) {
      sink.put(MessageKind.EXITING.code);
    } else if (message instanceof DumpThreads d) {
      sink.put(MessageKind.DUMP_THREADS.code);
      sink.putLong(d.taskId());
    } else if (message instanceof ThreadDump t) {
      sink.put(MessageKind.THREAD_DUMP.code);
      sink.putLong(t.taskId());
      sink.putString(t.text());
    } else {
      throw new AssertionError("unhandled message kind " + message.getClass());
    }
    ByteBuffer frame = sink.toBuffer();
    frame.putInt(0, frame.remaining() - FrameDescriptor.LENGTH_FIELD_BYTES);
    return frame;
  }

  /**
   * The start of a RUN_TASK or TASK_RESULT frame, up to its payload, which ends the frame: a sender
   * writes this and then the payload array itself (see FrameChannel). Exactly what {@link #encode}
   * would write before the payload's bytes.
   *
   * @param message the message
   * @param frameLength its {@link #frameLength}
   * @return the head, or null for any other kind of message
   */
  static ByteBuffer taskHead(Message message, long frameLength) {
    if (message instanceof RunTask r) {
      return ByteBuffer.allocate(FrameDescriptor.LENGTH_FIELD_BYTES + 1 + 8 + 1 + 4)
          .putInt((int) frameLength)
          .put(MessageKind.RUN_TASK.code)
          .putLong(r.taskId())
          .put((byte) (r.exitAfter() ? 1 : 0))
          .putInt(r.payload().length)
          .flip();
    }
    if (message instanceof TaskResult r) {
      return ByteBuffer.allocate(FrameDescriptor.LENGTH_FIELD_BYTES + 1 + 8 + 4)
          .putInt((int) frameLength)
          .put(MessageKind.TASK_RESULT.code)
          .putLong(r.taskId())
          .putInt(r.payload().length)
          .flip();
    }
    return null;
  }

  /**
   * Computes the value of the length field {@link #encode} would write, without encoding: lets a
   * sender refuse an oversized message before allocating its frame.
   *
   * @param message the message
   * @return the frame length (kind byte plus body), in long arithmetic so it cannot overflow
   */
  public static long frameLength(Message message) {
    long body; // an if-chain for the same start-up reason as in encode
    if (message instanceof Hello h) {
      body = 4 + 2 + stringLength(h.workerId()) + 4L + h.secret().length + 8;
    } else if (message instanceof RunTask r) {
      body = 8 + 1 + 4L + r.payload().length;
    } else if (message instanceof TaskResult r) {
      body = 8 + 4L + r.payload().length;
    } else if (message instanceof TaskFailure f) {
      body = 8 + descriptionLength(f.description()) + 4L + f.encoded().length;
    } else if (message instanceof Heartbeat || message instanceof Cancel) {
      body = 8;
    } else if (message instanceof Shutdown || message instanceof Signalled) {
      body = 4;
    } else if (message instanceof Exiting) {
      body = 0;
    } else if (message instanceof DumpThreads) {
      body = 8;
    } else if (message instanceof ThreadDump t) {
      body = 8 + stringLength(t.text());
    } else {
      throw new AssertionError("unhandled message kind " + message.getClass());
    }
    return FrameDescriptor.KIND_FIELD_BYTES + body;
  }

  private static long stringLength(String s) {
    long utf8 = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        utf8 += 1;
      } else if (c < 0x800) {
        utf8 += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        utf8 += 4;
        i++;
      } else {
        utf8 += 3; // includes a lone surrogate, which String.getBytes replaces by '?' (1 byte): an overestimate
      }
    }
    return 4 + utf8;
  }

  private static long nullableStringLength(String s) {
    return 1 + (s == null ? 0 : stringLength(s));
  }

  private static long descriptionLength(ThrowableDescription d) {
    long n = 0;
    for (ThrowableDescription c = d; c != null; c = c.cause()) {
      n += stringLength(c.className()) + nullableStringLength(c.message()) + 4 + 1;
      for (ThrowableDescription.Frame f : c.stack()) {
        n += stringLength(f.declaringClass()) + stringLength(f.methodName()) + nullableStringLength(f.fileName()) + 4;
      }
    }
    return n;
  }

  /**
   * Decodes one frame's kind and body (everything after the length prefix).
   *
   * @param frame the bytes after the length field; consumed entirely on success
   * @return the message
   * @throws ProtocolException if the frame is not a well-formed message
   */
  public static Message decode(ByteBuffer frame) throws ProtocolException {
    try {
      MessageKind kind = MessageKind.of(frame.get());
      Message message =
          switch (kind) {
            case HELLO -> {
              int magic = frame.getInt();
              if (magic != FrameDescriptor.MAGIC) {
                throw new ProtocolException(
                    "bad magic 0x" + Integer.toHexString(magic) + ": the peer is not a Multiproc worker");
              }
              short version = frame.getShort();
              if (version != FrameDescriptor.PROTOCOL_VERSION) {
                throw new ProtocolException(
                    "protocol version "
                        + version
                        + " but this side speaks "
                        + FrameDescriptor.PROTOCOL_VERSION
                        + ": parent and child must run the same Multiproc build");
              }
              yield new Hello(getString(frame), getBytes(frame), frame.getLong());
            }
            case RUN_TASK -> new RunTask(frame.getLong(), getBoolean(frame), getBytes(frame));
            case TASK_RESULT -> new TaskResult(frame.getLong(), getBytes(frame));
            case TASK_FAILURE -> new TaskFailure(frame.getLong(), getDescription(frame, 0), getBytes(frame));
            case HEARTBEAT -> new Heartbeat(frame.getLong());
            case CANCEL -> new Cancel(frame.getLong());
            case SHUTDOWN -> new Shutdown(frame.getInt());
            case SIGNALLED -> new Signalled(frame.getInt());
            case EXITING -> new Exiting();
            case DUMP_THREADS -> new DumpThreads(frame.getLong());
            case THREAD_DUMP -> new ThreadDump(frame.getLong(), getString(frame));
          };
      if (frame.hasRemaining()) {
        throw new ProtocolException(frame.remaining() + " unexpected trailing bytes after " + kind);
      }
      return message;
    } catch (BufferUnderflowException e) {
      throw new ProtocolException("truncated frame");
    }
  }

  private static void putDescription(ByteSink sink, ThrowableDescription d) {
    sink.putString(d.className());
    sink.putNullableString(d.message());
    sink.putInt(d.stack().size());
    for (ThrowableDescription.Frame f : d.stack()) {
      sink.putString(f.declaringClass());
      sink.putString(f.methodName());
      sink.putNullableString(f.fileName());
      sink.putInt(f.lineNumber());
    }
    sink.put((byte) (d.cause() == null ? 0 : 1));
    if (d.cause() != null) {
      putDescription(sink, d.cause());
    }
  }

  private static ThrowableDescription getDescription(ByteBuffer in, int depth) throws ProtocolException {
    if (depth >= FrameDescriptor.MAX_CAUSE_DEPTH) {
      throw new ProtocolException("cause chain deeper than " + FrameDescriptor.MAX_CAUSE_DEPTH);
    }
    String className = getString(in);
    String message = getNullableString(in);
    int frames = in.getInt();
    // Each frame takes at least 4+4+4+4 bytes (two empty strings, a null marker, a line number).
    if (frames < 0 || frames > FrameDescriptor.MAX_STACK_FRAMES || (long) frames * 13 > in.remaining()) {
      throw new ProtocolException("bad stack frame count " + frames);
    }
    List<ThrowableDescription.Frame> stack = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      stack.add(new ThrowableDescription.Frame(getString(in), getString(in), getNullableString(in), in.getInt()));
    }
    ThrowableDescription cause = getBoolean(in) ? getDescription(in, depth + 1) : null;
    return new ThrowableDescription(className, message, stack, cause);
  }

  private static boolean getBoolean(ByteBuffer in) throws ProtocolException {
    byte b = in.get();
    return switch (b) {
      case 0 -> false;
      case 1 -> true;
      default -> throw new ProtocolException("bad boolean byte " + b);
    };
  }

  private static byte[] getBytes(ByteBuffer in) throws ProtocolException {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new ProtocolException("byte array length " + n + " exceeds the " + in.remaining() + " bytes left in the frame");
    }
    byte[] bytes = new byte[n];
    in.get(bytes);
    return bytes;
  }

  private static String getString(ByteBuffer in) throws ProtocolException {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new ProtocolException("string length " + n + " exceeds the " + in.remaining() + " bytes left in the frame");
    }
    ByteBuffer slice = in.slice(in.position(), n);
    in.position(in.position() + n);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException("string is not valid UTF-8");
    }
  }

  private static String getNullableString(ByteBuffer in) throws ProtocolException {
    return getBoolean(in) ? getString(in) : null;
  }

  /** A growable big-endian byte buffer for encoding. */
  private static final class ByteSink {
    private ByteBuffer buf;

    ByteSink(int capacity) {
      buf = ByteBuffer.allocate(capacity);
    }

    private void ensure(int n) {
      if (buf.remaining() < n) {
        long needed = (long) buf.position() + n;
        if (needed > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("message of " + needed + " bytes cannot be framed");
        }
        int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buf.capacity()));
        ByteBuffer bigger = ByteBuffer.allocate(grown);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    void put(byte b) {
      ensure(1);
      buf.put(b);
    }

    void putShort(short s) {
      ensure(2);
      buf.putShort(s);
    }

    void putInt(int i) {
      ensure(4);
      buf.putInt(i);
    }

    void putLong(long l) {
      ensure(8);
      buf.putLong(l);
    }

    void putBytes(byte[] b) {
      ensure(4 + b.length);
      buf.putInt(b.length);
      buf.put(b);
    }

    void putString(String s) {
      putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void putNullableString(String s) {
      put((byte) (s == null ? 0 : 1));
      if (s != null) {
        putString(s);
      }
    }

    ByteBuffer toBuffer() {
      return buf.flip();
    }
  }
}
