package dev.multiproc.shared;

import dev.multiproc.internal.shm.SegmentLayout.Kind;
import java.io.Serial;
import java.io.Serializable;

/**
 * The serialized form of every shared object: the segment's name and kind (plus, for a condition,
 * its lock's handle). Deserializing it attaches the segment in the receiving JVM — once per JVM,
 * so every handle to one object resolves to the same Java object there — and checks the header.
 *
 * @param name the segment name
 * @param kind what the segment holds
 * @param lockOfValue whether this is the lock of a shared value rather than the value itself
 * @param companion the lock of a condition (serialized as its own handle, so it arrives resolved),
 *     else null
 */
record SharedHandle(String name, Kind kind, boolean lockOfValue, ProcessMutex companion) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  @Serial
  Object readResolve() {
    return resolve();
  }

  Object resolve() {
    Object object =
        switch (kind) {
          case RAW -> SharedMemory.attach(name);
          case INT_VALUE -> SharedInt.attach(name);
          case LONG_VALUE -> SharedLong.attach(name);
          case DOUBLE_VALUE -> SharedDouble.attach(name);
          case INT_ARRAY -> SharedIntArray.attach(name);
          case LONG_ARRAY -> SharedLongArray.attach(name);
          case DOUBLE_ARRAY -> SharedDoubleArray.attach(name);
          case LOCK -> ProcessLock.attach(name);
          case REENTRANT_LOCK -> ProcessReentrantLock.attach(name);
          case SEMAPHORE -> ProcessSemaphore.attach(name);
          case EVENT -> ProcessEvent.attach(name);
          case CONDITION -> ProcessCondition.attach(name, companion);
          case BARRIER -> ProcessBarrier.attach(name);
          // Queues and pipes travel as their own handles (dev.multiproc.queue, dev.multiproc.connection).
          case QUEUE, PIPE -> throw new SharedMemoryException("segment " + name + " holds a " + kind + ", not a shared value");
        };
    return lockOfValue ? ((SharedCells) object).getLock() : object;
  }
}
