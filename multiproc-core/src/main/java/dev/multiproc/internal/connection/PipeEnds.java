package dev.multiproc.internal.connection;

import dev.multiproc.internal.queue.SharedRing;
import dev.multiproc.internal.queue.SpillFiles;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.nio.file.Files;

/**
 * This JVM's view of one pipe: its segment (one {@link SharedRing} per direction) and the {@link
 * RingConnection} objects for its two ends.
 *
 * <p>Rings: ring 0 carries what the second end sends to the first; ring 1 (two-way pipes only) the
 * reverse. The segment header's element count is the number of rings.
 *
 * <p>Ownership: each ring records the process that owns its reading and its writing end (pid +
 * start time). The creator owns both ends; a JVM that receives an end (deserializes it) takes it
 * over. A reader whose writer's owner died, or a writer whose reader's owner died, sees
 * end-of-stream or a broken pipe. Closing an end marks it closed for the peer only if this process
 * still owns it and never sent it away; otherwise the end's new owner decides (as with inherited file
 * descriptors). The segment is detached when every end used in this JVM is closed.
 */
public final class PipeEnds {
  /** Bytes per direction; messages over an eighth of it (128 KiB) travel as spill files. */
  static final long RING_CAPACITY = 1L << 20;

  /**
   * An AOT training JVM decodes a sample of the user's first task without running it: it must not
   * take over the ends it finds there, or its exit would look like the peer's death.
   */
  private static final boolean IN_AOT_TRAINING = System.getProperty("multiproc.worker", "").contains("aot-training");

  private final Segment segment;
  private final SharedRing[] rings;
  private final RingConnection[] ends = new RingConnection[2];
  private final boolean[] used = new boolean[2];
  private final boolean[] sent = new boolean[2];
  private final boolean[] closed = new boolean[2];

  private PipeEnds(Segment segment) {
    this.segment = segment;
    int count = (int) segment.length();
    long ringBytes = SharedRing.bytesFor(RING_CAPACITY);
    this.rings = new SharedRing[count];
    for (int i = 0; i < count; i++) {
      rings[i] = new SharedRing(segment.payload().asSlice(i * ringBytes, ringBytes), SpillFiles.prefixOf(segment.name()) + i + "-");
    }
    // first: reads ring 0, writes ring 1; second: writes ring 0, reads ring 1.
    ends[0] = new RingConnection(this, 0, rings[0], count > 1 ? rings[1] : null);
    ends[1] = new RingConnection(this, 1, count > 1 ? rings[1] : null, rings[0]);
  }

  /**
   * Creates a pipe owned by this process.
   *
   * @param duplex two-way or one-way
   * @return its ends
   */
  public static PipeEnds create(boolean duplex) {
    SpillFiles.reclaimOrphans();
    int count = duplex ? 2 : 1;
    long ringBytes = SharedRing.bytesFor(RING_CAPACITY);
    PipeEnds pipe =
        SegmentRegistry.create(
            Kind.PIPE,
            ringBytes * count,
            count,
            s -> {
              for (int i = 0; i < count; i++) {
                SharedRing.initialize(s.payload().asSlice(i * ringBytes, ringBytes), RING_CAPACITY, 0, 0);
              }
              return new PipeEnds(s);
            });
    pipe.claim(0);
    pipe.claim(1);
    return pipe;
  }

  /** {@return this JVM's object for end {@code index}, arriving from another JVM: this process now owns it} */
  static RingConnection received(String name, int index) {
    PipeEnds pipe = SegmentRegistry.view(name, Kind.PIPE, PipeEnds::new);
    if (!IN_AOT_TRAINING) {
      pipe.claim(index);
    }
    return pipe.ends[index];
  }

  /** {@return end {@code index} (0 = first, 1 = second)} */
  public RingConnection end(int index) {
    return ends[index];
  }

  String name() {
    return segment.name();
  }

  private synchronized void claim(int index) {
    used[index] = true;
    closed[index] = false;
    sent[index] = false;
    RingConnection end = ends[index];
    if (end.in() != null) {
      end.in().claimEnd(false);
    }
    if (end.out() != null) {
      end.out().claimEnd(true);
    }
  }

  synchronized void markSent(int index) {
    sent[index] = true;
  }

  synchronized boolean isClosed(int index) {
    return closed[index] || segment.isClosed();
  }

  /** Closes end {@code index} in this JVM; the last end used here detaches the segment. */
  void close(int index) {
    boolean detach;
    synchronized (this) {
      if (closed[index] || segment.isClosed()) {
        return;
      }
      closed[index] = true;
      if (!sent[index]) {
        RingConnection end = ends[index];
        if (end.in() != null) {
          end.in().closeEnd(false);
        }
        if (end.out() != null) {
          end.out().closeEnd(true);
        }
      }
      detach = (!used[0] || closed[0]) && (!used[1] || closed[1]);
    }
    if (detach) {
      segment.close();
      if (!Files.exists(Segment.directory().resolve(segment.name()))) {
        SpillFiles.deleteAll(segment.name());
      }
    }
  }
}
