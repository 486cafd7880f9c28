package dev.multiproc.internal.queue;

import dev.multiproc.MultiprocException;
import dev.multiproc.codec.JavaSerializationCodec;
import dev.multiproc.internal.codec.ValueEncoding;
import java.io.IOException;

/**
 * How queue and pipe items become bytes: Multiproc's value encoding (boxed numbers, strings,
 * primitive arrays and flat lists raw; everything else through filtered JDK serialization).
 * Thread-safe.
 */
public final class ItemEncoding {
  private static final ValueEncoding ENCODING = new ValueEncoding(new JavaSerializationCodec());

  private ItemEncoding() {}

  /**
   * Encodes an item.
   *
   * @param item the item
   * @return its bytes
   * @throws dev.multiproc.TaskNotSerializableException if it cannot be serialized
   */
  public static byte[] encode(Object item) {
    return ENCODING.encode(item);
  }

  /**
   * Decodes an item.
   *
   * @param bytes from {@link #encode}
   * @return the item
   * @throws MultiprocException if the bytes are corrupt or name a class missing here
   */
  public static Object decode(byte[] bytes) {
    try {
      return ENCODING.decode(bytes);
    } catch (IOException | ClassNotFoundException e) {
      throw new MultiprocException("cannot decode an item received from another process: " + e, e);
    }
  }
}
