package dev.multiproc.internal.connection;

import java.io.Serial;
import java.io.Serializable;

/**
 * The serialized form of a pipe end: the pipe's segment name and which end. Deserializing it
 * attaches the pipe in the receiving JVM (once per JVM) and makes that process the end's owner.
 *
 * @param name the pipe's segment name
 * @param index 0 for the first end, 1 for the second
 */
record PipeHandle(String name, int index) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  @Serial
  Object readResolve() {
    return PipeEnds.received(name, index);
  }
}
