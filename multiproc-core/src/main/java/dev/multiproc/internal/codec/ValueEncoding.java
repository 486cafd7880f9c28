package dev.multiproc.internal.codec;

import dev.multiproc.MultiprocException;
import dev.multiproc.TaskNotSerializableException;
import dev.multiproc.codec.Codec;
import dev.multiproc.codec.JavaSerializationCodec;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.SerializedLambda;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * |         | INT/LONG/DOUBLE/BOOLEAN: the boxed value  |
 * |         | LAMBDA: see LambdaEncoding                |
 * |         | INT_LIST/LONG_LIST/DOUBLE_LIST: an        |
 * |         |   ArrayList of boxed ints/longs/doubles,  |
 * |         |   as raw values                           |
 * |         | LIST: an ArrayList: u32 count, then each  |
 * |         |   element as u32 length + its encoding    |
 * |         | PACKED_INTS/_LONGS/_DOUBLES: the same raw |
 * |         |   values, for a PackedNumberList or a     |
 * |         |   ListSlice: arrives as a PackedNumberList |
 * +---------+------------------------------------------+
 * </pre>
 *
 * Serializable lambdas and boxed primitives get raw paths too, so a typical task (a lambda
 * capturing numbers, strings, arrays and other lambdas) never touches an object stream: a cold
 * worker's first object stream costs more than everything else it does (see {@link
 * LambdaEncoding}).
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
  private static final byte INT = 6;
  private static final byte LONG = 7;
  private static final byte DOUBLE = 8;
  private static final byte BOOLEAN = 9;
  private static final byte LAMBDA = 10;
  private static final byte INT_LIST = 11;
  private static final VarHandle INT_VIEW = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle LONG_VIEW = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final byte LONG_LIST = 12;
  private static final byte LIST = 13;
  private static final byte DOUBLE_LIST = 14;
  private static final byte CODEC = 15;
  private static final byte PACKED_INTS = 16;
  private static final byte PACKED_LONGS = 17;
  private static final byte PACKED_DOUBLES = 18;

  /** The lambda path bypasses the deserialization filter, so a user-set filter turns it off. */
  private static final boolean LAMBDA_FAST_PATH =
      System.getProperty(JavaSerializationCodec.FILTER_PROPERTY, "").isBlank();

  private final Codec codec;
  private final boolean trustedSource;

  /**
   * Creates an encoding over a codec.
   *
   * @param codec the codec for values without a raw path
   */
  public ValueEncoding(Codec codec) {
    this(codec, false);
  }

  private ValueEncoding(Codec codec, boolean trustedSource) {
    this.codec = codec;
    this.trustedSource = trustedSource;
  }

  /**
   * An encoding for a worker decoding its parent's tasks: the bytes can only come from the parent
   * (through the worker's stdin), so lambdas of Multiproc's interfaces are represented directly
   * by their implementation methods instead of generated classes (see {@link LambdaEncoding}).
   *
   * @param codec the codec
   * @return the encoding
   */
  public static ValueEncoding forTasksFromParent(Codec codec) {
    return new ValueEncoding(codec, true);
  }

  boolean trustsSource() {
    return trustedSource;
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
    // An if-chain rather than a type switch: see MessageCodec.encode (start-up cost).
    if (value == null) {
      return new byte[] {NULL};
    } else if (value instanceof byte[] b) {
      return tagged(BYTES, b);
    } else if (value instanceof int[] a) {
      return encodeInts(INTS, a);
    } else if (value instanceof long[] a) {
      return encodeLongs(LONGS, a);
    } else if (value instanceof double[] a) {
      ByteBuffer out = allocate(DOUBLES, (long) a.length * Double.BYTES);
      out.asDoubleBuffer().put(a);
      return out.array();
    } else if (value instanceof String s) {
      return tagged(STRING, s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof Integer i) {
      return allocate(INT, Integer.BYTES).putInt(0, i).array();
    } else if (value instanceof Long l) {
      return allocate(LONG, Long.BYTES).putLong(0, l).array();
    } else if (value instanceof Double d) {
      return allocate(DOUBLE, Double.BYTES).putDouble(0, d).array();
    } else if (value instanceof Boolean b) {
      return new byte[] {BOOLEAN, (byte) (b ? 1 : 0)};
    }
    if (value instanceof PackedNumberList packed) {
      return encodePacked(packed);
    }
    if (value.getClass() == ArrayList.class || value instanceof ListSlice<?>) {
      List<?> list = (List<?>) value;
      byte[] numbers = encodeNumberList(list);
      if (numbers != null) {
        return numbers;
      }
      if (flat(list)) {
        return encodeList(list);
      }
    }
    if (LAMBDA_FAST_PATH) {
      byte[] stateless = LambdaEncoding.statelessEncoding(value);
      if (stateless != null) {
        return stateless.clone();
      }
      SerializedLambda form = LambdaEncoding.serializedForm(value);
      if (form != null) {
        byte[] encoded = LambdaEncoding.encode(LAMBDA, form, value, this);
        LambdaEncoding.rememberIfStateless(form, value, encoded);
        return encoded;
      }
    }
    byte[] body;
    try {
      body = codec.encode(value);
    } catch (TaskNotSerializableException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new TaskNotSerializableException(
          "cannot send " + value.getClass().getName() + " to another process: " + e, null, e);
    }
    return tagged(CODEC, body);
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
    return decode(bytes, 0);
  }

  /**
   * Whether decoding these bytes runs no code but ours: a raw value (number, string, array, list
   * of numbers), not one through the codec or a lambda, whose decoding runs user classes' code
   * ({@code readObject}, a custom codec, a capturing class's {@code $deserializeLambda$}).
   *
   * @param bytes tagged bytes from {@link #encode}
   * @return true if {@link #decode} would only copy and box
   */
  public static boolean decodesWithoutUserCode(byte[] bytes) {
    if (bytes.length == 0) {
      return false;
    }
    byte tag = bytes[0];
    return (tag >= NULL && tag <= DOUBLE_LIST && tag != LAMBDA && tag != LIST) || (tag >= PACKED_INTS && tag <= PACKED_DOUBLES);
  }

  /** Lists of lists (and lists containing themselves) go through the codec, which handles cycles. */
  private static boolean flat(List<?> list) {
    for (Object element : list) {
      if (element instanceof java.util.Collection<?> || element instanceof java.util.Map<?, ?>) {
        return false;
      }
    }
    return true;
  }

  /**
   * A list of only {@code Integer}s, {@code Long}s or {@code Double}s as a raw array, checked and written in
   * one pass (map chunks and their results are such lists); null when the list is anything else.
   */
  private static byte[] encodeNumberList(List<?> list) {
    int size = numberListSize(list);
    if (size < 0) {
      return null;
    }
    byte[] out = new byte[size];
    return writeNumberList(list, out, 0, size) ? out : null;
  }

  /**
   * The size of the encoding of {@code value} if it may be a list of only {@code Integer}s, only
   * {@code Long}s or only {@code Double}s (its first element says which; {@link #writeNumberList}
   * checks the others), else -1. Lets a lambda's encoding write such a captured list straight into
   * its own array.
   */
  static int numberListSize(Object value) {
    if (value == null || !(value.getClass() == ArrayList.class || value instanceof ListSlice<?>)) {
      return -1;
    }
    List<?> list = (List<?>) value;
    if (list.isEmpty()) {
      return -1;
    }
    byte tag = numberListTag(list.getFirst());
    return tag < 0 ? -1 : checkedSize((long) list.size() * numberBytes(tag));
  }

  /** The number-list tag for a list whose first element is {@code first}, or -1 for none. */
  private static byte numberListTag(Object first) {
    return first instanceof Integer ? INT_LIST : first instanceof Long ? LONG_LIST : first instanceof Double ? DOUBLE_LIST : -1;
  }

  private static int numberBytes(byte numberListTag) {
    return numberListTag == INT_LIST ? Integer.BYTES : Long.BYTES;
  }

  /**
   * Writes the encoding of a list {@link #numberListSize} sized at {@code size} into {@code out}
   * at {@code offset}. One loop for the three kinds: the JIT splits it by the kind, which does not
   * change inside it.
   *
   * @return false if it is not such a list after all (or no longer that size): the bytes written
   *     are then meaningless
   */
  static boolean writeNumberList(List<?> list, byte[] out, int offset, int size) {
    int count = list.size();
    byte tag = count == 0 ? -1 : numberListTag(list.getFirst());
    if (tag < 0 || size != checkedSize((long) count * numberBytes(tag))) {
      return false;
    }
    // A slice is a map chunk: it arrives packed (its reader only iterates it), an ArrayList as one.
    out[offset] = list instanceof ListSlice<?> ? packedTag(tag) : tag;
    int at = offset + 1;
    for (int i = 0; i < count; i++) {
      Object element = list.get(i);
      if (tag == INT_LIST && element instanceof Integer value) {
        INT_VIEW.set(out, at, (int) value);
        at += Integer.BYTES;
      } else if (tag == LONG_LIST && element instanceof Long value) {
        LONG_VIEW.set(out, at, (long) value);
        at += Long.BYTES;
      } else if (tag == DOUBLE_LIST && element instanceof Double value) {
        LONG_VIEW.set(out, at, Double.doubleToRawLongBits(value)); // every NaN kept as it was
        at += Long.BYTES;
      } else {
        return false;
      }
    }
    return true;
  }

  private static byte packedTag(byte numberListTag) {
    return switch (numberListTag) {
      case INT_LIST -> PACKED_INTS;
      case LONG_LIST -> PACKED_LONGS;
      default -> PACKED_DOUBLES;
    };
  }

  private static byte[] encodePacked(PackedNumberList list) {
    return switch (list.kind()) {
      case INT -> encodeInts(PACKED_INTS, list.ints());
      case LONG -> encodeLongs(PACKED_LONGS, list.longs());
      case DOUBLE -> encodeLongs(PACKED_DOUBLES, list.longs());
    };
  }

  private static PackedNumberList decodePacked(byte tag, ByteBuffer body) throws StreamCorruptedException {
    return tag == PACKED_INTS
        ? PackedNumberList.ofInts(decodeInts(body))
        : PackedNumberList.ofLongs(tag == PACKED_LONGS ? PackedNumberList.Kind.LONG : PackedNumberList.Kind.DOUBLE, decodeLongs(body));
  }

  private static byte[] encodeInts(byte tag, int[] values) {
    ByteBuffer out = allocate(tag, (long) values.length * Integer.BYTES);
    out.asIntBuffer().put(values);
    return out.array();
  }

  private static byte[] encodeLongs(byte tag, long[] values) {
    ByteBuffer out = allocate(tag, (long) values.length * Long.BYTES);
    out.asLongBuffer().put(values);
    return out.array();
  }

  private static int[] decodeInts(ByteBuffer body) throws StreamCorruptedException {
    int[] values = new int[elements(body, Integer.BYTES)];
    body.asIntBuffer().get(values);
    return values;
  }

  private static long[] decodeLongs(ByteBuffer body) throws StreamCorruptedException {
    long[] values = new long[elements(body, Long.BYTES)];
    body.asLongBuffer().get(values);
    return values;
  }

  /** A number list's values, straight into the list: no array of boxes to copy and drop. */
  private static ArrayList<Object> decodeNumberList(byte[] bytes, ByteBuffer body) throws StreamCorruptedException {
    byte tag = bytes[0];
    int count = elements(body, numberBytes(tag));
    ArrayList<Object> values = new ArrayList<>(count);
    int at = 1;
    for (int i = 0; i < count; i++) {
      if (tag == INT_LIST) {
        values.add((int) INT_VIEW.get(bytes, at));
        at += Integer.BYTES;
      } else {
        long raw = (long) LONG_VIEW.get(bytes, at);
        at += Long.BYTES;
        values.add(tag == LONG_LIST ? (Object) Long.valueOf(raw) : (Object) Double.valueOf(Double.longBitsToDouble(raw)));
      }
    }
    return values;
  }

  /**
   * An {@code ArrayList} (exactly that class, so decoding gives back the same type) of other values,
   * element by element - the shape of map chunks and their results, which would otherwise cost an
   * object stream each way. Lists of only ints, longs or doubles take {@link #encodeNumberList} instead.
   */
  private byte[] encodeList(List<?> list) {
    // Byte arrays (a count's partitions: up to megabytes each) are written once, straight into the
    // list's array; every other element is encoded on its own first.
    List<byte[]> elements = new ArrayList<>(list.size());
    long size = Integer.BYTES;
    for (Object element : list) {
      byte[] encoded = element instanceof byte[] bytes ? bytes : encode(element);
      elements.add(encoded);
      size += Integer.BYTES + (element == encoded ? 1 : 0) + encoded.length;
    }
    ByteBuffer out = allocate(LIST, size);
    out.putInt(list.size());
    int i = 0;
    for (Object element : list) {
      byte[] encoded = elements.get(i++);
      if (element == encoded) { // a raw byte array: its BYTES encoding, written in place
        out.putInt(1 + encoded.length);
        out.put(BYTES);
      } else {
        out.putInt(encoded.length);
      }
      out.put(encoded);
    }
    return out.array();
  }

  private ArrayList<Object> decodeList(ByteBuffer body, int depth) throws IOException, ClassNotFoundException {
    if (depth > LambdaEncoding.MAX_NESTING) {
      throw new StreamCorruptedException("lists nested deeper than " + LambdaEncoding.MAX_NESTING);
    }
    if (body.remaining() < Integer.BYTES) {
      throw new StreamCorruptedException("truncated list");
    }
    int count = body.getInt();
    if (count < 0 || (long) count * Integer.BYTES > body.remaining()) {
      throw new StreamCorruptedException("bad list length " + count);
    }
    ArrayList<Object> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (body.remaining() < Integer.BYTES) {
        throw new StreamCorruptedException("truncated list element " + i);
      }
      int length = body.getInt();
      if (length < 1 || length > body.remaining()) {
        throw new StreamCorruptedException("list element " + i + " claims " + length + " bytes");
      }
      int at = body.arrayOffset() + body.position();
      if (body.array()[at] == STRING) { // the commonest element: decoded in place, no copy of it
        list.add(decodeUtf8(body.array(), at + 1, length - 1));
        body.position(body.position() + length);
        continue;
      }
      if (body.array()[at] == BYTES) { // one copy, not two (a count's partitions can be megabytes)
        list.add(Arrays.copyOfRange(body.array(), at + 1, at + length));
        body.position(body.position() + length);
        continue;
      }
      byte[] element = new byte[length];
      body.get(element);
      list.add(decode(element, depth + 1));
    }
    if (body.hasRemaining()) {
      throw new StreamCorruptedException(body.remaining() + " trailing bytes after a list");
    }
    return list;
  }

  /**
   * Decodes a task: {@link #decode}, checked to be a {@code Callable}.
   *
   * @param bytes tagged bytes from {@link #encode}
   * @return something to call
   * @throws IOException if the bytes are corrupt or the codec refuses them
   * @throws ClassNotFoundException if a class is missing here
   */
  public java.util.concurrent.Callable<?> decodeTask(byte[] bytes) throws IOException, ClassNotFoundException {
    Object task = decode(bytes, 0);
    if (task instanceof java.util.concurrent.Callable<?> callable) {
      return callable;
    }
    throw new StreamCorruptedException("a task must be a Callable, got " + (task == null ? "null" : task.getClass().getName()));
  }

  Object decode(byte[] bytes, int depth) throws IOException, ClassNotFoundException {
    if (bytes.length == 0) {
      throw new StreamCorruptedException("empty value encoding");
    }
    if (bytes[0] == INT && bytes.length == 1 + Integer.BYTES) {
      return (int) INT_VIEW.get(bytes, 1); // the commonest small result: no buffer views for it
    }
    // The body after the tag, as a native-order view (what the encoder wrote).
    ByteBuffer body = ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice().order(ByteOrder.nativeOrder());
    return switch (bytes[0]) {
      case NULL -> null;
      case BYTES -> Arrays.copyOfRange(bytes, 1, bytes.length);
      case INTS -> decodeInts(body);
      case LONGS -> decodeLongs(body);
      case DOUBLES -> {
        double[] a = new double[elements(body, Double.BYTES)];
        body.asDoubleBuffer().get(a);
        yield a;
      }
      case STRING -> decodeUtf8(bytes, 1, bytes.length - 1);
      case INT -> exactly(body, Integer.BYTES).getInt(0);
      case LONG -> exactly(body, Long.BYTES).getLong(0);
      case DOUBLE -> exactly(body, Double.BYTES).getDouble(0);
      case BOOLEAN -> switch (exactly(body, 1).get(0)) {
        case 0 -> false;
        case 1 -> true;
        default -> throw new StreamCorruptedException("bad boolean byte");
      };
      case LAMBDA -> LambdaEncoding.decode(bytes, 1, this, depth);
      case INT_LIST, LONG_LIST, DOUBLE_LIST -> decodeNumberList(bytes, body);
      case LIST -> decodeList(body, depth);
      case CODEC -> codec.decode(Arrays.copyOfRange(bytes, 1, bytes.length));
      case PACKED_INTS, PACKED_LONGS, PACKED_DOUBLES -> decodePacked(bytes[0], body);
      default -> throw new StreamCorruptedException("unknown value tag " + bytes[0]);
    };
  }

  /**
   * Strict UTF-8 (malformed input is an error, not a replacement character), at the speed of
   * {@code new String}: a string without U+FFFD cannot have come from malformed input; only one
   * with it (rare) is decoded again strictly, which throws or gives the same string.
   */
  private static String decodeUtf8(byte[] bytes, int offset, int length) throws CharacterCodingException {
    String fast = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast;
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, offset, length))
        .toString();
  }

  private static ByteBuffer exactly(ByteBuffer body, int size) throws StreamCorruptedException {
    if (body.remaining() != size) {
      throw new StreamCorruptedException("boxed value of " + body.remaining() + " bytes, expected " + size);
    }
    return body;
  }

  /** Loads a class as decoding does: the thread's context loader first, then ours. */
  static Class<?> loadClass(String name) throws ClassNotFoundException {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      try {
        return Class.forName(name, false, context);
      } catch (ClassNotFoundException e) {
        // fall through
      }
    }
    return Class.forName(name, false, ValueEncoding.class.getClassLoader());
  }

  private static int elements(ByteBuffer body, int size) throws StreamCorruptedException {
    if (body.remaining() % size != 0) {
      throw new StreamCorruptedException("array body of " + body.remaining() + " bytes is not a multiple of " + size);
    }
    return body.remaining() / size;
  }

  /**
   * A view of a new tagged value's body: index 0 is the byte after the tag, and {@code array()}
   * returns the whole value, tag included.
   */
  private static ByteBuffer allocate(byte tag, long bodyBytes) {
    byte[] out = new byte[checkedSize(bodyBytes)];
    out[0] = tag;
    return ByteBuffer.wrap(out, 1, out.length - 1).slice().order(ByteOrder.nativeOrder());
  }

  private static byte[] tagged(byte tag, byte[] body) {
    byte[] out = new byte[checkedSize(body.length)];
    out[0] = tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** {@return the size of a value with a body of {@code bodyBytes}, tag included} */
  static int checkedSize(long bodyBytes) {
    if (bodyBytes > Integer.MAX_VALUE - 16) {
      throw new MultiprocException("value of " + bodyBytes + " bytes is too large to send in one message");
    }
    return (int) bodyBytes + 1;
  }
}
