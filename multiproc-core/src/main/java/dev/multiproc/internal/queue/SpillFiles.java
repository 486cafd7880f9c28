package dev.multiproc.internal.queue;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.shared.SharedMemoryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files holding items too large for a ring's records: {@code multiproc-qspill-<segment>-<ring>-<seq>}
 * in the segment directory, 0600, written whole by the producer before it claims the record that
 * names the file, read and deleted by the consumer that takes it.
 *
 * <p>Why files rather than a ring record of any size: a ring must hold a record contiguously, so
 * its capacity would bound the largest item; and a child that put a 100 MB item must be able to
 * exit before anyone reads it, so the bytes cannot stay in the child. A file on the same tmpfs costs
 * one write and one read of the bytes, which for items of this size is the copy a ring makes anyway.
 *
 * <p>Lifecycle: a file lives from the put to the get. Files of a ring whose segment is gone (all its
 * users closed or died with items unread, or a producer died between writing the file and
 * publishing its record) are deleted by {@link #deleteAll(String)} when the last user closes the
 * queue, and by {@link #reclaimOrphans()} whenever a queue or pipe is created.
 */
public final class SpillFiles {
  /** File-name prefix of every spill file; deliberately not {@link Segment#PREFIX}. */
  public static final String PREFIX = "multiproc-qspill-";

  private SpillFiles() {}

  /**
   * {@return the spill-name prefix of the rings of segment {@code segmentName}}
   *
   * @param segmentName the queue's or pipe's segment
   */
  public static String prefixOf(String segmentName) {
    return PREFIX + segmentName.substring(Segment.PREFIX.length()) + "-";
  }

  static void write(String name, byte[] bytes) {
    Path path = Segment.directory().resolve(name);
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            path,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      delete(name);
      throw new SharedMemoryException("cannot write a queue item of " + bytes.length + " bytes to " + path + ": " + e.getMessage(), e);
    }
  }

  static byte[] read(String name, long expectedBytes) {
    Path path = Segment.directory().resolve(name);
    try {
      byte[] bytes = Files.readAllBytes(path);
      if (bytes.length != expectedBytes) {
        throw new SharedMemoryException("queue item file " + path + " has " + bytes.length + " bytes, its record says " + expectedBytes);
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new SharedMemoryException("queue item file " + path + " is missing (removed by someone else?)", e);
    } catch (IOException e) {
      throw new SharedMemoryException("cannot read queue item file " + path + ": " + e.getMessage(), e);
    }
  }

  static void delete(String name) {
    try {
      Files.deleteIfExists(Segment.directory().resolve(name));
    } catch (IOException e) {
      // Left for reclaimOrphans(): memory, not correctness.
    }
  }

  /**
   * Deletes every spill file of the rings of segment {@code segmentName}.
   *
   * @param segmentName the queue's or pipe's segment
   */
  public static void deleteAll(String segmentName) {
    String prefix = prefixOf(segmentName);
    try (Stream<Path> files = Files.list(Segment.directory())) {
      files.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(p -> delete(p.getFileName().toString()));
    } catch (IOException e) {
      // Best effort.
    }
  }

  /** Deletes spill files whose segment no longer exists (its users all closed or died). */
  public static void reclaimOrphans() {
    Path dir = Segment.directory();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (!name.startsWith(PREFIX)) {
          continue;
        }
        String[] parts = name.substring(PREFIX.length()).split("-");
        if (parts.length >= 2 && !Files.exists(dir.resolve(Segment.PREFIX + parts[0] + "-" + parts[1]))) {
          delete(name);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort, as SegmentRegistry.reclaimOrphans.
    }
  }
}
