package dev.multiproc.codec;

import java.io.IOException;

/**
 * Turns tasks, arguments, results and exceptions into bytes and back, in the parent and in every
 * child. The default is {@link JavaSerializationCodec}; plug in another (Kryo, Fory, ...) to trade
 * generality for speed.
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor: a child JVM
 * creates its own instance from the class name, so parent and child must agree on configuration
 * without exchanging the codec object itself. {@code byte[]}, primitive arrays and strings never
 * reach a codec: Multiproc carries them raw.
 *
 * {@snippet :
 * public final class KryoCodec implements Codec {
 *   public KryoCodec() {}
 *   public byte[] encode(Object value) { ... }
 *   public Object decode(byte[] bytes) { ... }
 * }
 * }
 */
public interface Codec {

  /**
   * Encodes a value.
   *
   * @param value the value, never a {@code byte[]}, primitive array or string
   * @return its bytes
   * @throws IOException if the value cannot be encoded; the message should name the offending type
   */
  byte[] encode(Object value) throws IOException;

  /**
   * Decodes a value encoded by the same codec class in another JVM.
   *
   * @param bytes the bytes
   * @return the value
   * @throws IOException if the bytes are corrupt or refused (e.g. by a deserialization filter)
   * @throws ClassNotFoundException if a class named in the bytes is not available here
   */
  Object decode(byte[] bytes) throws IOException, ClassNotFoundException;
}
