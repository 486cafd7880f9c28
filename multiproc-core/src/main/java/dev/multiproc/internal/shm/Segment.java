package dev.multiproc.internal.shm;

import static dev.multiproc.internal.shm.SegmentLayout.LONG;

import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.shared.SharedMemoryException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One process's mapping of a shared-memory segment: a file in {@code /dev/shm} laid out by {@link
 * SegmentLayout}, mapped read-write with {@code FileChannel.map(..., Arena.ofShared())}.
 *
 * <p><b>Lifecycle.</b> {@code created/attached -> closed}. Creating or attaching records this
 * process in an attachment slot; {@link #close()} clears the slot, unmaps, and unlinks the file if
 * no live process is attached any more. So the name disappears with its last live user and never
 * before (unlike Python's resource tracker, which unlinks a segment when any one attacher exits).
 * Slots of processes that died without closing (SIGKILL) count as free: {@link
 * SegmentRegistry#reclaimOrphans()} removes segments that only dead processes were using.
 *
 * <p>Thread-safe. Operations on the payload after {@link #close()} fail with {@link
 * IllegalStateException} (the arena is closed), never touch unmapped memory.
 */
public final class Segment implements AutoCloseable {
  /** File-name prefix of every segment we create; nothing else in {@code /dev/shm} is ours. */
  public static final String PREFIX = "multiproc-shm-";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final Path path;
  private final Object fileKey;
  private final Kind kind;
  private final Arena arena;
  private final MemorySegment mapping;
  private final MemorySegment payload;
  private final int slot;
  private volatile boolean closed;

  private Segment(String name, Path path, Object fileKey, Kind kind, Arena arena, MemorySegment mapping, int slot) {
    this.name = name;
    this.path = path;
    this.fileKey = fileKey;
    this.kind = kind;
    this.arena = arena;
    this.mapping = mapping;
    this.payload = mapping.asSlice(SegmentLayout.HEADER_BYTES);
    this.slot = slot;
  }

  /** {@return the directory holding segments: {@code /dev/shm}, or {@code -Dmultiproc.shm.dir}} */
  public static Path directory() {
    return Path.of(System.getProperty("multiproc.shm.dir", "/dev/shm"));
  }

  /**
   * Creates a segment and attaches this process as its creator.
   *
   * @param kind what it holds
   * @param payloadBytes payload size
   * @param length element count recorded in the header (0 when not an array)
   * @return the mapped segment
   * @throws SharedMemoryException if {@code /dev/shm} lacks the space or the file cannot be made
   */
  static Segment create(Kind kind, long payloadBytes, long length) {
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + payloadBytes);
    }
    long total = SegmentLayout.HEADER_BYTES + payloadBytes;
    Path dir = directory();
    checkFreeSpace(dir, total);
    ProcessIdentity me = ProcessIdentity.current();
    for (;;) {
      byte[] random = new byte[8];
      RANDOM.nextBytes(random);
      String name = PREFIX + me.pid() + "-" + HexFormat.of().formatHex(random);
      Path path = dir.resolve(name);
      Arena arena = Arena.ofShared();
      try (FileChannel channel =
          FileChannel.open(
              path,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        try {
          channel.write(ByteBuffer.allocate(1), total - 1); // sets the size; tmpfs allocates pages on touch
          MemorySegment mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
          mapping.set(ValueLayout.JAVA_INT, SegmentLayout.VERSION_OFFSET, SegmentLayout.VERSION);
          mapping.set(ValueLayout.JAVA_INT, SegmentLayout.KIND_OFFSET, kind.code());
          mapping.set(ValueLayout.JAVA_LONG, SegmentLayout.PAYLOAD_BYTES_OFFSET, payloadBytes);
          mapping.set(ValueLayout.JAVA_LONG, SegmentLayout.CREATOR_OFFSET, me.packed());
          mapping.set(ValueLayout.JAVA_LONG, SegmentLayout.LENGTH_OFFSET, length);
          LONG.setVolatile(mapping, SegmentLayout.slotOffset(0), me.packed());
          // Last: a reader (attacher, reclaimer) that sees the magic sees a complete header and a live slot.
          LONG.setRelease(mapping, SegmentLayout.MAGIC_OFFSET, SegmentLayout.MAGIC);
          return new Segment(name, path, fileKey(path), kind, arena, mapping, 0);
        } catch (IOException | RuntimeException e) {
          // Created but not usable: leave nothing behind.
          arena.close();
          deleteQuietly(path);
          throw new SharedMemoryException("cannot create shared-memory segment " + path + ": " + e.getMessage(), e);
        }
      } catch (FileAlreadyExistsException e) {
        arena.close(); // 64 random bits collided: try another name
      } catch (IOException e) {
        arena.close();
        throw new SharedMemoryException("cannot create shared-memory segment " + path + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Attaches to an existing segment by name, checking its header.
   *
   * @param name the segment's name (as {@link #name()} gave it)
   * @param expected the kind the caller will interpret it as
   * @return the mapped segment
   * @throws SharedMemoryException if it does not exist, is not ours, is of another kind or version,
   *     or was left behind by dead processes (then {@link SegmentRegistry#reclaimOrphans()} removes it)
   */
  static Segment attach(String name, Kind expected) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a shared-memory segment name: '" + name + "'");
    }
    Path path = directory().resolve(name);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size < SegmentLayout.HEADER_BYTES) {
        throw new SharedMemoryException("segment " + name + " is not a Multiproc segment (" + size + " bytes, too short for the header)");
      }
      Arena arena = Arena.ofShared();
      MemorySegment mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
      try {
        checkHeader(name, mapping, size, expected);
        int slot = register(name, mapping);
        Segment segment = new Segment(name, path, fileKey(path), expected, arena, mapping, slot);
        if (!Files.exists(path) || !Objects.equals(segment.fileKey, fileKey(path))) {
          segment.close(); // its last user unlinked it while we attached
          throw new SharedMemoryException("segment " + name + " was released by its last user while being attached");
        }
        return segment;
      } catch (RuntimeException e) {
        if (arena.scope().isAlive()) {
          arena.close();
        }
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw new SharedMemoryException(
          "shared-memory segment " + name + " does not exist (closed by all its users, or never created on this machine)", e);
    } catch (IOException e) {
      throw new SharedMemoryException("cannot attach shared-memory segment " + name + ": " + e.getMessage(), e);
    }
  }

  private static void checkHeader(String name, MemorySegment mapping, long size, Kind expected) {
    long magic = (long) LONG.getAcquire(mapping, SegmentLayout.MAGIC_OFFSET);
    if (magic != SegmentLayout.MAGIC) {
      throw new SharedMemoryException("segment " + name + " is not a Multiproc segment (bad magic 0x" + Long.toHexString(magic) + ")");
    }
    int version = mapping.get(ValueLayout.JAVA_INT, SegmentLayout.VERSION_OFFSET);
    if (version != SegmentLayout.VERSION) {
      throw new SharedMemoryException(
          "segment " + name + " has layout version " + version + ", this Multiproc reads version " + SegmentLayout.VERSION);
    }
    int kindCode = mapping.get(ValueLayout.JAVA_INT, SegmentLayout.KIND_OFFSET);
    Kind kind = Kind.of(kindCode);
    if (kind == null) {
      throw new SharedMemoryException("segment " + name + " is corrupt: unknown kind code " + kindCode);
    }
    if (kind != expected) {
      throw new SharedMemoryException("segment " + name + " holds a " + kind + ", not a " + expected);
    }
    long payloadBytes = mapping.get(ValueLayout.JAVA_LONG, SegmentLayout.PAYLOAD_BYTES_OFFSET);
    if (payloadBytes < 0 || SegmentLayout.HEADER_BYTES + payloadBytes != size) {
      throw new SharedMemoryException("segment " + name + " is corrupt: header says " + payloadBytes + " payload bytes, file has " + size);
    }
    if (liveAttachments(mapping) == 0) {
      throw new SharedMemoryException(
          "segment " + name + " is stale: every process that used it (creator "
              + ProcessIdentity.unpack(mapping.get(ValueLayout.JAVA_LONG, SegmentLayout.CREATOR_OFFSET)).pid()
              + ") has died; it will be reclaimed");
    }
  }

  /** Records this process in a free (or dead process's) slot. */
  private static int register(String name, MemorySegment mapping) {
    long me = ProcessIdentity.current().packed();
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < SegmentLayout.MAX_ATTACHED_PROCESSES; i++) {
        long offset = SegmentLayout.slotOffset(i);
        long holder = (long) LONG.getVolatile(mapping, offset);
        boolean free = holder == 0 || (pass == 1 && !ProcessIdentity.unpack(holder).isAlive());
        if (free && LONG.compareAndSet(mapping, offset, holder, me)) {
          return i;
        }
      }
    }
    throw new SharedMemoryException(
        "segment " + name + " is attached by " + SegmentLayout.MAX_ATTACHED_PROCESSES + " live processes, the most it can track");
  }

  /** {@return how many attachment slots name a live process} */
  static int liveAttachments(MemorySegment mapping) {
    return liveAttached(mapping).size();
  }

  /** {@return the live processes named by attachment slots} */
  private static List<ProcessIdentity> liveAttached(MemorySegment mapping) {
    List<ProcessIdentity> live = new ArrayList<>(2);
    for (int i = 0; i < SegmentLayout.MAX_ATTACHED_PROCESSES; i++) {
      long holder = (long) LONG.getVolatile(mapping, SegmentLayout.slotOffset(i));
      if (holder != 0) {
        ProcessIdentity p = ProcessIdentity.unpack(holder);
        if (p.isAlive()) {
          live.add(p);
        }
      }
    }
    return live;
  }

  /**
   * {@return a process that attached this segment and died without detaching, or null} Processes
   * that exit normally detach (a shutdown hook), so this finds the ones that crashed or were killed.
   */
  public ProcessIdentity deadAttachment() {
    for (int i = 0; i < SegmentLayout.MAX_ATTACHED_PROCESSES; i++) {
      long holder = (long) LONG.getVolatile(mapping, SegmentLayout.slotOffset(i));
      if (holder != 0) {
        ProcessIdentity p = ProcessIdentity.unpack(holder);
        if (!p.isAlive()) {
          return p;
        }
      }
    }
    return null;
  }

  /** Clears the slots of attached processes that died, so {@link #deadAttachment()} forgets them. */
  public void forgetDeadAttachments() {
    for (int i = 0; i < SegmentLayout.MAX_ATTACHED_PROCESSES; i++) {
      long offset = SegmentLayout.slotOffset(i);
      long holder = (long) LONG.getVolatile(mapping, offset);
      if (holder != 0 && !ProcessIdentity.unpack(holder).isAlive()) {
        LONG.compareAndSet(mapping, offset, holder, 0L);
      }
    }
  }

  private static void checkFreeSpace(Path dir, long bytes) {
    if (!Files.isDirectory(dir)) {
      throw new SharedMemoryException(
          "shared memory needs a tmpfs directory, and " + dir + " does not exist: mount one there"
              + " (mount -t tmpfs tmpfs /dev/shm) or name another with -Dmultiproc.shm.dir=<directory>");
    }
    long usable;
    try {
      usable = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new SharedMemoryException("cannot use " + dir + " for shared memory: " + e.getMessage(), e);
    }
    if (usable < bytes) {
      throw new SharedMemoryException(
          String.format(
              "%s has %,d bytes free, a segment of %,d bytes does not fit (touching it would crash with SIGBUS); "
                  + "free space there or enlarge it (mount -o remount,size=... %s)",
              dir, usable, bytes, dir));
    }
  }

  private static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** {@return the segment's name, by which other processes attach it} */
  public String name() {
    return name;
  }

  /** {@return what it holds} */
  public Kind kind() {
    return kind;
  }

  /** {@return the payload: the whole mapping after the header} */
  public MemorySegment payload() {
    return payload;
  }

  /** {@return the element count recorded at creation} */
  public long length() {
    return mapping.get(ValueLayout.JAVA_LONG, SegmentLayout.LENGTH_OFFSET);
  }

  /** {@return the creator's identity} */
  public ProcessIdentity creator() {
    return ProcessIdentity.unpack(mapping.get(ValueLayout.JAVA_LONG, SegmentLayout.CREATOR_OFFSET));
  }

  /** {@return whether {@link #close()} has run} */
  public boolean isClosed() {
    return closed;
  }

  /** Removes the name now (Python's {@code unlink()}); mappings, ours and others', stay valid. */
  public void unlink() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new SharedMemoryException("cannot unlink " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Detaches: clears this process's slot, unmaps, and unlinks the file if no live process remains
   * attached. Idempotent.
   */
  @Override
  public void close() {
    detach();
  }

  /**
   * {@link #close()}, telling which processes kept the segment alive.
   *
   * @return the live processes still attached (empty if the file was unlinked, or already closed)
   */
  List<ProcessIdentity> detach() {
    synchronized (this) {
      if (closed) {
        return List.of();
      }
      closed = true;
    }
    SegmentRegistry.forget(this);
    LONG.setVolatile(mapping, SegmentLayout.slotOffset(slot), 0L);
    // Each detacher clears its slot before counting, so of two last detachers at least one sees
    // the other gone and unlinks.
    List<ProcessIdentity> others = liveAttached(mapping);
    arena.close();
    if (others.isEmpty() && Objects.equals(fileKey, fileKey(path))) {
      deleteQuietly(path); // on failure, left for reclaimOrphans(): memory, not correctness
    }
    return others;
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // The caller says what a leftover costs.
    }
  }

  @Override
  public String toString() {
    return "Segment[" + name + ", " + kind + "]";
  }
}
