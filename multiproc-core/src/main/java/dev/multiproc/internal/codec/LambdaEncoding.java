package dev.multiproc.internal.codec;

import dev.multiproc.TaskNotSerializableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/*
 * Overview: serializable lambdas without ObjectInputStream.
 *
 * A worker's first ObjectInputStream costs a cold JVM ~16 ms even with an AOT cache (the
 * serial-filter configuration reads the security properties; the stream machinery runs
 * interpreted), and most tasks are lambdas whose captures are a few numbers, strings, arrays or
 * other lambdas. So a lambda travels as the fields of its SerializedLambda (what JDK
 * serialization would write) with each captured value encoded by ValueEncoding, and is rebuilt
 * by calling its capturing class's $deserializeLambda$ — exactly what SerializedLambda.readResolve
 * does. Measured: ~8 ms instead of ~40 ms for a first lambda in a JVM without an AOT cache. In a
 * worker, decoding tasks from its parent (the only process that can write to its stdin), lambdas
 * of our own interfaces become DirectLambdas and skip even that.
 *
 * Rebuilding calls a private method of the capturing class. Workers run everything from the class
 * path (one unnamed module), so that is always permitted there. Capturing the SerializedLambda
 * in the parent needs the lambda's private writeReplace; where a named module forbids that, the
 * value falls back to the codec. So does everything when the user sets a deserialization filter,
 * which only the codec path can apply.
 */
/** Encodes serializable lambdas as their {@link SerializedLambda} fields. */
final class LambdaEncoding {
  /** Deeper nesting of lambdas capturing lambdas than this is refused (a corrupt or hostile input). */
  static final int MAX_NESTING = 64;
  private static final int MAX_CAPTURED_ARGS = 255;

  private static final ClassValue<Method> WRITE_REPLACE =
      new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
          try {
            Method m = type.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return m;
          } catch (NoSuchMethodException | RuntimeException e) {
            return null; // not a serializable lambda, or its module does not open it to us
          }
        }
      };

  private static final ClassValue<Method> DESERIALIZE =
      new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
          try {
            Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            m.setAccessible(true);
            return m;
          } catch (NoSuchMethodException | RuntimeException e) {
            return null;
          }
        }
      };

  private LambdaEncoding() {}

  /** {@return the lambda's serialized form, or null if it is not a lambda we can take apart} */
  static SerializedLambda serializedForm(Object value) {
    if (value instanceof DirectLambda direct) {
      return direct.serializedForm();
    }
    Class<?> type = value.getClass();
    if (!type.isHidden() || !(value instanceof Serializable)) {
      return null;
    }
    Method writeReplace = WRITE_REPLACE.get(type);
    if (writeReplace == null) {
      return null;
    }
    try {
      return writeReplace.invoke(value) instanceof SerializedLambda form ? form : null;
    } catch (IllegalAccessException | InvocationTargetException e) {
      return null;
    }
  }

  /**
   * The part of a lambda's encoding that depends only on its class (everything but the captured
   * values), computed once per lambda class: a pool sends the same lambda shape thousands of times.
   */
  private static final ClassValue<AtomicReference<byte[]>> HEADERS =
      new ClassValue<>() {
        @Override
        protected AtomicReference<byte[]> computeValue(Class<?> type) {
          return new AtomicReference<>(); // filled by encode(), which has the SerializedLambda at hand
        }
      };

  private static byte[] header(SerializedLambda form) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(form.getCapturingClass());
      out.writeUTF(form.getFunctionalInterfaceClass());
      out.writeUTF(form.getFunctionalInterfaceMethodName());
      out.writeUTF(form.getFunctionalInterfaceMethodSignature());
      out.writeInt(form.getImplMethodKind());
      out.writeUTF(form.getImplClass());
      out.writeUTF(form.getImplMethodName());
      out.writeUTF(form.getImplMethodSignature());
      out.writeUTF(form.getInstantiatedMethodType());
    } catch (IOException e) {
      throw new AssertionError("in-memory stream cannot fail", e);
    }
    return bytes.toByteArray();
  }

  private static byte[] header(SerializedLambda form, Object lambda) {
    if (lambda instanceof DirectLambda) {
      return header(form); // one class for many lambdas: nothing to cache by class
    }
    AtomicReference<byte[]> cached = HEADERS.get(lambda.getClass());
    byte[] header = cached.get();
    if (header == null) {
      header = header(form);
      cached.set(header);
    }
    return header;
  }

  /**
   * Encodes a lambda behind {@code tag}, into one array of the exact size: a map chunk's lambda
   * carries the whole chunk, and growing a stream's buffer and copying it out twice cost the
   * parent several times the chunk's size in garbage (and its young collections). A captured list
   * of numbers is written straight into that array, not encoded apart and copied.
   */
  static byte[] encode(byte tag, SerializedLambda form, Object lambda, ValueEncoding encoding) {
    byte[] encoded = encode(tag, form, lambda, encoding, true);
    return encoded != null ? encoded : encode(tag, form, lambda, encoding, false);
  }

  /** Null if a list {@code inPlace} sized as numbers turned out not to be (or changed meanwhile). */
  private static byte[] encode(byte tag, SerializedLambda form, Object lambda, ValueEncoding encoding, boolean inPlace) {
    byte[] header = header(form, lambda);
    int count = form.getCapturedArgCount();
    byte[][] args = new byte[count][];
    int[] lengths = new int[count];
    long size = header.length + 1L;
    for (int i = 0; i < count; i++) {
      Object arg = form.getCapturedArg(i);
      int listSize = inPlace ? ValueEncoding.numberListSize(arg) : -1;
      if (listSize >= 0) {
        lengths[i] = listSize; // written below
      } else {
        try {
          args[i] = encoding.encode(arg);
        } catch (TaskNotSerializableException e) {
          if (e.offendingClass() == null) {
            throw e;
          }
          throw TaskNotSerializableException.of(e.offendingClass(), form, lambda);
        }
        lengths[i] = args[i].length;
      }
      size += Integer.BYTES + lengths[i];
    }
    ByteBuffer out = ByteBuffer.wrap(new byte[ValueEncoding.checkedSize(size)]); // big-endian, as DataInputStream reads
    out.put(tag).put(header).put((byte) count);
    for (int i = 0; i < count; i++) {
      out.putInt(lengths[i]);
      if (args[i] != null) {
        out.put(args[i]);
      } else {
        if (!ValueEncoding.writeNumberList((java.util.List<?>) form.getCapturedArg(i), out.array(), out.position(), lengths[i])) {
          return null;
        }
        out.position(out.position() + lengths[i]);
      }
    }
    return out.array();
  }

  /**
   * Encodings of lambdas that capture nothing, by class: always the same bytes, so the parent
   * skips taking the lambda apart (a reflective writeReplace) for the function of every
   * {@code applyAsync(function, arg)}.
   */
  private static final ClassValue<AtomicReference<byte[]>> STATELESS =
      new ClassValue<>() {
        @Override
        protected AtomicReference<byte[]> computeValue(Class<?> type) {
          return new AtomicReference<>();
        }
      };

  /** {@return the encoding remembered for a lambda of this class that captures nothing, or null} */
  static byte[] statelessEncoding(Object value) {
    if (value instanceof DirectLambda || !value.getClass().isHidden()) {
      return null;
    }
    return STATELESS.get(value.getClass()).get();
  }

  /** Remembers {@code encoded} for {@code lambda}'s class if the lambda captures nothing. */
  static void rememberIfStateless(SerializedLambda form, Object lambda, byte[] encoded) {
    if (form.getCapturedArgCount() == 0 && !(lambda instanceof DirectLambda)) {
      STATELESS.get(lambda.getClass()).set(encoded.clone());
    }
  }

  /*
   * A worker decodes the same few lambda shapes again and again (a pool's tasks): the class-
   * dependent header of each (nine fields, see header()) is parsed and its capturing class loaded
   * once per distinct header bytes, not per task - that was a third of a worker's CPU per tiny
   * task. Bounded: a sender of endless distinct shapes only empties the cache.
   */
  private static final int MAX_PARSED_HEADERS = 256;
  private static final ConcurrentHashMap<HeaderKey, Header> PARSED = new ConcurrentHashMap<>();

  /** The header fields of an encoded lambda, and its capturing class once loaded. */
  private static final class Header {
    final String capturingClassName;
    final String functionalInterfaceClass;
    final String functionalInterfaceMethodName;
    final String functionalInterfaceMethodSignature;
    final int implMethodKind;
    final String implClass;
    final String implMethodName;
    final String implMethodSignature;
    final String instantiatedMethodType;
    /** The capturing class and the context class loader it was loaded for. */
    private volatile Object[] loaded;

    private Header(DataInputStream in) throws IOException {
      capturingClassName = in.readUTF();
      functionalInterfaceClass = in.readUTF();
      functionalInterfaceMethodName = in.readUTF();
      functionalInterfaceMethodSignature = in.readUTF();
      implMethodKind = in.readInt();
      implClass = in.readUTF();
      implMethodName = in.readUTF();
      implMethodSignature = in.readUTF();
      instantiatedMethodType = in.readUTF();
    }

    /** Reads the header at {@code offset}, leaving {@code in} (over the same bytes) after it. */
    static Header read(byte[] body, int offset, DataInputStream in) throws IOException {
      int end = headerEnd(body, offset);
      if (end < 0) {
        return new Header(in); // malformed: reading it fails with the stream's own error
      }
      Header cached = PARSED.get(new HeaderKey(body, offset, end));
      if (cached != null) {
        in.skipNBytes(end - offset);
        return cached;
      }
      Header header = new Header(in);
      if (PARSED.size() >= MAX_PARSED_HEADERS) {
        PARSED.clear();
      }
      PARSED.put(new HeaderKey(Arrays.copyOfRange(body, offset, end), 0, end - offset), header);
      return header;
    }

    /** Where the header starting at {@code at} ends (its UTF fields' lengths walked), or -1 past the end. */
    private static int headerEnd(byte[] b, int at) {
      for (int field = 0; field < 9; field++) {
        if (field == 4) { // implMethodKind, an int
          at += Integer.BYTES;
          continue;
        }
        if (at + 2 > b.length) {
          return -1;
        }
        at += 2 + (((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF));
      }
      return at <= b.length ? at : -1;
    }

    /*
     * Once $deserializeLambda$ has accepted a header (it checks the form against the lambdas its
     * class really contains) and built a lambda, the next ones with the same header - the same
     * lambda, other captured values - are built by that lambda class's constructor, as its
     * metafactory would: calling $deserializeLambda$ per task cost a reflective call and a string
     * switch each, and a worker ~70 ms of C2 compilation of the switch (Pool's has all of Pool's
     * lambdas) in its first seconds.
     */
    private volatile Object[] lambdaClass; // capturing class, constructor of its lambda

    void rememberClass(Class<?> capturing, Object lambda, int capturedCount) {
      Class<?> type = lambda.getClass();
      if (!type.isHidden()) {
        return;
      }
      java.lang.reflect.Constructor<?>[] constructors = type.getDeclaredConstructors();
      if (constructors.length != 1 || constructors[0].getParameterCount() != capturedCount) {
        return;
      }
      try {
        constructors[0].setAccessible(true);
      } catch (RuntimeException e) {
        return; // not open to us: keep deserializing
      }
      lambdaClass = new Object[] {capturing, constructors[0]};
    }

    /** {@return a new lambda of the class remembered for this header and capturing class, or null} */
    Object newInstance(Class<?> capturing, Object[] captured) {
      Object[] known = lambdaClass;
      if (known == null || known[0] != capturing) {
        return null;
      }
      java.lang.reflect.Constructor<?> constructor = (java.lang.reflect.Constructor<?>) known[1];
      if (!exactTypes(constructor.getParameterTypes(), captured)) {
        return null; // reflection would widen (a Short for an int); $deserializeLambda$ casts exactly
      }
      try {
        return constructor.newInstance(captured);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null; // e.g. a captured value of the wrong type: let $deserializeLambda$ judge it
      }
    }

    /**
     * Whether each captured value has exactly its parameter's type (a primitive's own wrapper; for a
     * reference, an instance or null), as the casts of {@code $deserializeLambda$} require.
     */
    private static boolean exactTypes(Class<?>[] parameters, Object[] captured) {
      for (int i = 0; i < parameters.length; i++) {
        Class<?> parameter = parameters[i];
        Object value = captured[i];
        if (parameter.isPrimitive()
            ? value == null || value.getClass() != wrapper(parameter)
            : value != null && !parameter.isInstance(value)) {
          return false;
        }
      }
      return true;
    }

    private static Class<?> wrapper(Class<?> primitive) {
      return primitive == int.class ? Integer.class
          : primitive == long.class ? Long.class
          : primitive == double.class ? Double.class
          : primitive == boolean.class ? Boolean.class
          : primitive == char.class ? Character.class
          : primitive == byte.class ? Byte.class
          : primitive == short.class ? Short.class
          : primitive == float.class ? Float.class
          : Void.class;
    }

    Class<?> capturingClass() throws ClassNotFoundException {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      Object[] known = loaded;
      if (known != null && known[0] == context) {
        return (Class<?>) known[1];
      }
      Class<?> type = ValueEncoding.loadClass(capturingClassName.replace('/', '.'));
      loaded = new Object[] {context, type};
      return type;
    }
  }

  /** A range of bytes as a map key. */
  private record HeaderKey(byte[] bytes, int from, int to) {
    @Override
    public boolean equals(Object o) {
      return o instanceof HeaderKey k && Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (int i = from; i < to; i++) {
        h = 31 * h + bytes[i];
      }
      return h;
    }
  }

  /**
   * Decodes a lambda: rebuilt as deserialization would, through its capturing class's {@code
   * $deserializeLambda$} (which checks the form against the lambdas the class really contains) -
   * or, when the bytes come from a trusted source (a worker decoding its parent's tasks), as a
   * {@link DirectLambda} for our own interfaces, which skips generating a lambda class.
   */
  static Object decode(byte[] body, int offset, ValueEncoding encoding, int depth)
      throws IOException, ClassNotFoundException {
    if (depth > MAX_NESTING) {
      throw new StreamCorruptedException("lambdas nested deeper than " + MAX_NESTING);
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(body, offset, body.length - offset));
    Header header = Header.read(body, offset, in);
    String implClass = header.implClass;
    String implMethodName = header.implMethodName;
    int count = in.readUnsignedByte();
    if (count > MAX_CAPTURED_ARGS) {
      throw new StreamCorruptedException("bad captured argument count " + count);
    }
    Object[] captured = new Object[count];
    for (int i = 0; i < count; i++) {
      int length = in.readInt();
      if (length < 1 || length > in.available()) {
        throw new StreamCorruptedException("captured argument " + i + " claims " + length + " bytes");
      }
      byte[] arg = in.readNBytes(length);
      captured[i] = encoding.decode(arg, depth + 1);
    }
    if (in.available() != 0) {
      throw new StreamCorruptedException(in.available() + " trailing bytes after a lambda");
    }
    Class<?> capturing = header.capturingClass();
    if (!encoding.trustsSource()) {
      Object rebuilt = header.newInstance(capturing, captured);
      if (rebuilt != null) {
        return rebuilt;
      }
    }
    SerializedLambda form =
        new SerializedLambda(
            capturing,
            header.functionalInterfaceClass,
            header.functionalInterfaceMethodName,
            header.functionalInterfaceMethodSignature,
            header.implMethodKind,
            implClass,
            implMethodName,
            header.implMethodSignature,
            header.instantiatedMethodType,
            captured);
    if (encoding.trustsSource()) {
      DirectLambda direct = DirectLambda.of(form, captured, capturing.getClassLoader());
      if (direct != null) {
        return direct;
      }
    }
    Method deserialize = DESERIALIZE.get(capturing);
    if (deserialize == null) {
      throw new InvalidObjectException(capturing.getName() + " has no lambdas that can be deserialized");
    }
    try {
      Object lambda = deserialize.invoke(null, form);
      header.rememberClass(capturing, lambda, count);
      return lambda;
    } catch (InvocationTargetException e) {
      InvalidObjectException failure =
          new InvalidObjectException("cannot rebuild lambda " + implClass + "." + implMethodName + ": " + e.getCause());
      failure.initCause(e.getCause());
      throw failure;
    } catch (IllegalAccessException | RuntimeException e) {
      InvalidObjectException failure = new InvalidObjectException("cannot rebuild lambda " + implClass + "." + implMethodName);
      failure.initCause(e);
      throw failure;
    }
  }
}
