package dev.multiproc.queue;

import dev.multiproc.internal.queue.SharedRing;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;
import java.io.Serializable;

/**
 * The serialized form of every queue: its segment's name. Deserializing it attaches the segment in
 * the receiving JVM, once per JVM, and yields the same kind of queue that was sent (the variant is
 * recorded in the ring).
 *
 * @param name the segment name
 */
record QueueHandle(String name) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  static final int PLAIN = 0;
  static final int JOINABLE = 1;
  static final int SIMPLE = 2;

  @Serial
  Object readResolve() {
    return SegmentRegistry.view(name, Kind.QUEUE, QueueHandle::view);
  }

  /** {@return the public object over an attached queue segment, by its recorded variant} */
  static Object view(Segment segment) {
    SharedRing ring = ProcessQueue.ring(segment);
    return switch (ring.variant()) {
      case PLAIN -> new ProcessQueue<>(segment, ring);
      case JOINABLE -> new JoinableProcessQueue<>(segment, ring);
      case SIMPLE -> new SimpleProcessQueue<>(new ProcessQueue<>(segment, ring));
      default -> throw new IllegalStateException("segment " + segment.name() + " holds an unknown queue variant " + ring.variant());
    };
  }
}
