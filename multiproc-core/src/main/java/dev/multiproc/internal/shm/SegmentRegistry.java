package dev.multiproc.internal.shm;

import static dev.multiproc.internal.shm.SegmentLayout.LONG;

import dev.multiproc.internal.shm.SegmentLayout.Kind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * This JVM's attached segments, one {@link Segment} and one user-facing view per name, and the
 * reclaiming of segments whose users all died.
 *
 * <p>One view per name and JVM matters for locks: a lock's thread ownership lives in its Java
 * object, so every handle to the same lock that reaches this JVM must resolve to the same object.
 *
 * <p>A shutdown hook closes every segment still attached when the JVM exits normally, so normally
 * exiting processes never leave a slot behind; a killed process's slot is recognized as dead by its
 * pid and start time. {@link #reclaimOrphans()} runs once per JVM before its first segment is
 * created (as Multiproc's runtime directories are reclaimed), and on demand.
 */
public final class SegmentRegistry {
  /** A segment whose header is not yet complete is left alone for this long (its creator is busy). */
  private static final Duration YOUNG = Duration.ofSeconds(60);

  /** How long the exit hook waits for children (being killed) that keep a segment attached. */
  private static final Duration CHILD_EXIT_WAIT = Duration.ofSeconds(2);

  private record Entry(Segment segment, Object view) {}

  private static final ConcurrentMap<String, Entry> ATTACHED = new ConcurrentHashMap<>();

  private static final class Startup {
    static {
      reclaimOrphans();
      try {
        Runtime.getRuntime()
            .addShutdownHook(Thread.ofPlatform().name("multiproc-shm-detach").unstarted(SegmentRegistry::closeAll));
      } catch (IllegalStateException e) {
        // First use during shutdown: nothing will detach us, so our slots die with the process and
        // reclaimOrphans() removes what only we used.
      }
    }

    static void ensure() {}
  }

  private SegmentRegistry() {}

  /**
   * Creates a segment and its view.
   *
   * @param kind what it holds
   * @param payloadBytes payload size
   * @param length element count for the header
   * @param viewFactory makes the user-facing object over the new segment
   * @param <T> the view type
   * @return the view
   */
  public static <T> T create(Kind kind, long payloadBytes, long length, Function<Segment, T> viewFactory) {
    Startup.ensure();
    Segment segment = Segment.create(kind, payloadBytes, length);
    try {
      T view = viewFactory.apply(segment);
      ATTACHED.put(segment.name(), new Entry(segment, view));
      return view;
    } catch (RuntimeException | Error e) {
      segment.close();
      throw e;
    }
  }

  /**
   * This JVM's view of the segment {@code name}, attaching it on first use.
   *
   * @param name the segment name
   * @param kind the kind the caller expects
   * @param viewFactory makes the view over a freshly attached segment
   * @param <T> the view type
   * @return the view
   */
  @SuppressWarnings("unchecked")
  public static <T> T view(String name, Kind kind, Function<Segment, T> viewFactory) {
    Startup.ensure();
    Entry entry = ATTACHED.get(name);
    if (entry == null) {
      synchronized (SegmentRegistry.class) { // attaching is rare; one attach per name and JVM
        entry = ATTACHED.get(name);
        if (entry == null) {
          Segment segment = Segment.attach(name, kind);
          try {
            entry = new Entry(segment, viewFactory.apply(segment));
          } catch (RuntimeException | Error e) {
            segment.close();
            throw e;
          }
          ATTACHED.put(name, entry);
        }
      }
    }
    if (entry.segment().kind() != kind) {
      throw new dev.multiproc.shared.SharedMemoryException("segment " + name + " holds a " + entry.segment().kind() + ", not a " + kind);
    }
    return (T) entry.view();
  }

  static void forget(Segment segment) {
    ATTACHED.computeIfPresent(segment.name(), (n, e) -> e.segment() == segment ? null : e);
  }

  /**
   * The exit hook: detaches everything. A segment kept alive only by our own children is a special
   * case: Multiproc's exit hook is killing them right now (SIGKILL, so they cannot detach), so wait
   * briefly for them to die and then remove what they left.
   */
  private static void closeAll() {
    Set<Long> keptByChildren = new HashSet<>();
    Set<Long> descendants = new HashSet<>();
    ProcessHandle.current().descendants().forEach(h -> descendants.add(h.pid()));
    for (Entry e : List.copyOf(ATTACHED.values())) {
      try {
        for (ProcessIdentity p : e.segment().detach()) {
          if (descendants.contains(p.pid())) {
            keptByChildren.add(p.pid());
          }
        }
      } catch (RuntimeException ignored) {
        // Exiting anyway; reclaimOrphans() catches what is left.
      }
    }
    if (keptByChildren.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + CHILD_EXIT_WAIT.toNanos();
    while (keptByChildren.stream().anyMatch(ProcessIdentity::pidIsAlive) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    reclaimOrphans();
  }

  /**
   * Removes segments in the segment directory that only dead processes were attached to (their
   * users were killed, or crashed), and our files too broken to read that are over a minute old.
   * Never removes a segment a live process has attached.
   *
   * @return the names removed
   */
  public static List<String> reclaimOrphans() {
    List<String> removed = new ArrayList<>();
    try (Stream<Path> files = Files.list(Segment.directory())) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().startsWith(Segment.PREFIX))::iterator) {
        if (ATTACHED.containsKey(p.getFileName().toString())) {
          continue;
        }
        if (isOrphan(p) && Files.deleteIfExists(p)) {
          removed.add(p.getFileName().toString());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: an orphan costs memory, not correctness; the next run tries again.
    }
    return removed;
  }

  private static boolean isOrphan(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Arena arena = Arena.ofConfined()) {
      long size = channel.size();
      boolean young = Files.getLastModifiedTime(path).toInstant().isAfter(Instant.now().minus(YOUNG));
      if (size < SegmentLayout.HEADER_BYTES) {
        return !young;
      }
      MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, SegmentLayout.HEADER_BYTES, arena);
      if ((long) LONG.getAcquire(header, SegmentLayout.MAGIC_OFFSET) != SegmentLayout.MAGIC) {
        return !young;
      }
      return Segment.liveAttachments(header) == 0;
    } catch (IOException e) {
      return false; // e.g. another user's file: not ours to judge
    }
  }
}
