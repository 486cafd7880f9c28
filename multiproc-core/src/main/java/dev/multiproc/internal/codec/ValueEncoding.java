package dev.multiproc.internal.codec;

import dev.multiproc.MultiprocException;
import dev.multiproc.TaskNotSerializableException;
import dev.multiproc.codec.Codec;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes values for the wire: {@code null}, {@code byte[]}, {@code int[]}, {@code long[]},
 * {@code double[]} and {@link String} are carried raw behind a one-byte tag (a {@code long[100000]}
 * costs a copy, not an object stream); everything else goes through the {@link Codec}.
 *
 * <pre>
 * +---------+------------------------------------------+
 * | tag u8  | NULL: nothing   BYTES: the bytes          |
 * |         | INTS/LONGS/DOUBLES: native-order values   |
 * |         | STRING: UTF-8   CODEC: the codec's bytes  |
 * +---------+------------------------------------------+
 * </pre>
 *
 * Arrays travel in the machine's native byte order: parent and children share a machine, and a
 * cluster backend must not use this encoding across hosts of different endianness.
 */
public final class ValueEncoding {
  private static final byte NULL = 0;
  private static final byte BYTES = 1;
  private static final byte INTS = 2;
  private static final byte LONGS = 3;
  private static final byte DOUBLES = 4;
  private static final byte STRING = 5;
  private static final byte CODEC = 15;

  private final Codec codec;

  /**
   * Creates an encoding over a codec.
   *
   * @param codec the codec for values without a raw path
   */
  public ValueEncoding(Codec codec) {
    this.codec = codec;
  }

  /** {@return the codec behind this encoding} */
  public Codec codec() {
    return codec;
  }

  /**
   * Encodes a value.
   *
   * @param value the value
   * @return the tagged bytes
   * @throws TaskNotSerializableException if the codec cannot encode it
   */
  public byte[] encode(Object value) {
    return switch (value) {
      case null -> new byte[] {NULL};
      case byte[] b -> tagged(BYTES, MemorySegment.ofArray(b));
      case int[] a -> tagged(INTS, MemorySegment.ofArray(a));
      case long[] a -> tagged(LONGS, MemorySegment.ofArray(a));
      case double[] a -> tagged(DOUBLES, MemorySegment.ofArray(a));
      case String s -> tagged(STRING, MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8)));
      default -> {
        byte[] body;
        try {
          body = codec.encode(value);
        } catch (TaskNotSerializableException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          throw new TaskNotSerializableException(
              "cannot send " + value.getClass().getName() + " to another process: " + e,
              null,
              e);
        }
        yield tagged(CODEC, MemorySegment.ofArray(body));
      }
    };
  }

  /**
   * Decodes a value.
   *
   * @param bytes tagged bytes from {@link #encode}
   * @return the value
   * @throws IOException if the bytes are corrupt or the codec refuses them
   * @throws ClassNotFoundException if a class is missing here
   */
  public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    if (bytes.length == 0) {
      throw new StreamCorruptedException("empty value encoding");
    }
    MemorySegment body = MemorySegment.ofArray(bytes).asSlice(1);
    return switch (bytes[0]) {
      case NULL -> null;
      case BYTES -> body.toArray(ValueLayout.JAVA_BYTE);
      case INTS -> elements(body, Integer.BYTES).toArray(ValueLayout.JAVA_INT_UNALIGNED);
      case LONGS -> elements(body, Long.BYTES).toArray(ValueLayout.JAVA_LONG_UNALIGNED);
      case DOUBLES -> elements(body, Double.BYTES).toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
      case STRING -> decodeUtf8(bytes);
      case CODEC -> codec.decode(body.toArray(ValueLayout.JAVA_BYTE));
      default -> throw new StreamCorruptedException("unknown value tag " + bytes[0]);
    };
  }

  private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, 1, bytes.length - 1))
        .toString();
  }

  private static MemorySegment elements(MemorySegment body, int size) throws StreamCorruptedException {
    if (body.byteSize() % size != 0) {
      throw new StreamCorruptedException("array body of " + body.byteSize() + " bytes is not a multiple of " + size);
    }
    return body;
  }

  private static byte[] tagged(byte tag, MemorySegment body) {
    long size = body.byteSize() + 1;
    if (size > Integer.MAX_VALUE - 16) {
      throw new MultiprocException("value of " + body.byteSize() + " bytes is too large to send in one message");
    }
    byte[] out = new byte[(int) size];
    out[0] = tag;
    MemorySegment.copy(body, 0, MemorySegment.ofArray(out), 1, body.byteSize());
    return out;
  }
}
