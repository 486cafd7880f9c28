package dev.multiproc.codec;

import dev.multiproc.TaskNotSerializableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.invoke.SerializedLambda;

/**
 * The default {@link Codec}: JDK serialization, guarded by an {@link ObjectInputFilter}.
 *
 * <p>It handles any {@link java.io.Serializable} value, including serializable lambdas (parent and
 * child must run the same class files, since a lambda is rebuilt through its capturing class).
 *
 * <p>Encoding a value that reaches a non-serializable object fails with a {@link
 * TaskNotSerializableException} naming that object's class and, for lambdas, the lambda that
 * captured it — so the mistake surfaces when the task is submitted, never inside the child.
 *
 * <p>Decoding runs behind a filter: graph limits (depth 1000, 10 million references, arrays of at
 * most 2^30 elements, and never more elements than the input has bytes), a deny-list of well-known deserialization gadget packages, and, if the
 * system property {@value #FILTER_PROPERTY} is set, that pattern first (syntax of {@link
 * ObjectInputFilter.Config#createFilter}; end it with {@code !*} to make it an allow-list). The
 * channel it decodes from is already authenticated (only a process holding the per-worker secret
 * can write to it); the filter is defence in depth. Thread-safe.
 *
 * {@snippet :
 * // Allow only your own classes and java.base (set in the parent; children inherit it):
 * // -Dmultiproc.serialFilter=com.acme.**;java.base/*;dev.multiproc.**;!*
 * }
 */
public final class JavaSerializationCodec implements Codec {

  /** System property holding a user filter pattern, applied before the built-in rules. */
  public static final String FILTER_PROPERTY = "multiproc.serialFilter";

  private static final String BUILT_IN_FILTER =
      "maxdepth=1000;maxrefs=10000000;maxarray=1073741824;"
          + "!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*;"
          + "!org.codehaus.groovy.runtime.*;!com.sun.org.apache.xalan.internal.xsltc.trax.*;"
          + "!org.springframework.beans.factory.*;!com.mchange.v2.c3p0.*;!bsh.*;!org.python.core.*";

  /**
   * Built on first decode: creating a filter initializes the JDK's serial-filter configuration,
   * which reads the security properties (~8 ms in a cold worker), and many workers never decode
   * an object stream at all.
   */
  private volatile ObjectInputFilter filter;

  /** Creates the codec; {@value #FILTER_PROPERTY} is read when the first value is decoded. */
  public JavaSerializationCodec() {}

  private ObjectInputFilter filter() {
    ObjectInputFilter f = filter;
    if (f == null) {
      String user = System.getProperty(FILTER_PROPERTY, "").strip();
      String pattern = user.isEmpty() ? BUILT_IN_FILTER : user + ";" + BUILT_IN_FILTER;
      filter = f = ObjectInputFilter.Config.createFilter(pattern);
    }
    return f;
  }

  @Override
  public byte[] encode(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (TrackingObjectOutputStream out = new TrackingObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw TaskNotSerializableException.of(e.getMessage(), TrackingObjectOutputStream.lastLambda.get(), value);
    } finally {
      TrackingObjectOutputStream.lastLambda.remove();
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(bytes))) {
      // No array can hold more elements than the stream has bytes (each element takes at least
      // one): refuse such a claim before ObjectInputStream allocates it.
      int available = bytes.length;
      ObjectInputFilter configured = filter();
      in.setObjectInputFilter(
          info -> info.arrayLength() > available ? ObjectInputFilter.Status.REJECTED : configured.checkInput(info));
      return in.readObject();
    } catch (InvalidClassException e) {
      if (e.getMessage() != null && e.getMessage().contains("REJECTED")) {
        throw new InvalidClassException(
            e.classname,
            "refused by the deserialization filter; allow it with -D" + FILTER_PROPERTY + "=<pattern>");
      }
      throw e;
    }
  }

  /** Resolves classes through the thread context loader first, as application containers expect. */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(ByteArrayInputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) {
        try {
          return Class.forName(desc.getName(), false, context);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution (primitives, the caller's loader)
        }
      }
      return super.resolveClass(desc);
    }
  }

  /**
   * Remembers the innermost lambda being written, so a failure can say which lambda captured the
   * culprit. {@code replaceObject} sees each object after {@code writeReplace}, i.e. a lambda as
   * its {@link SerializedLambda}.
   */
  private static final class TrackingObjectOutputStream extends ObjectOutputStream {
    static final ThreadLocal<SerializedLambda> lastLambda = new ThreadLocal<>();

    TrackingObjectOutputStream(ByteArrayOutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (obj instanceof SerializedLambda lambda) {
        lastLambda.set(lambda);
      }
      return obj;
    }
  }
}
