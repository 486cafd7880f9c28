package dev.multiproc.internal.launch;

import dev.multiproc.MultiprocException;
import dev.multiproc.codec.Codec;
import java.lang.reflect.InvocationTargetException;

/** Creates codecs from class names, as each child JVM does. */
public final class Codecs {
  private Codecs() {}

  /**
   * Instantiates a codec through its public no-argument constructor.
   *
   * @param className the codec class
   * @return a new instance
   * @throws MultiprocException if the class is missing or cannot be constructed
   */
  public static Codec instantiate(String className) {
    try {
      return (Codec) Class.forName(className).getConstructor().newInstance();
    } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException
        | IllegalAccessException | InvocationTargetException | ClassCastException e) {
      throw new MultiprocException(
          "codec " + className + " must be a public Codec class with a public no-argument constructor", e);
    }
  }
}
