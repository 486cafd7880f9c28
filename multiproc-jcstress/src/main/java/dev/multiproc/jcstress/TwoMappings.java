package dev.multiproc.jcstress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code /dev/shm} file mapped twice, so two actors reach the same physical memory through
 * different virtual addresses — as two processes do. Each test state takes its own 64-byte slot
 * (wrapping around a 32 MiB file; far more than the states jcstress keeps alive at once).
 *
 * <p>The file is unlinked as soon as it is mapped: the mappings keep the memory, and a killed run
 * leaves nothing in {@code /dev/shm}.
 */
final class TwoMappings {
  static final long SLOT_BYTES = 64;
  private static final long FILE_BYTES = 32L << 20;

  /** The first mapping (actor 1's view). */
  static final MemorySegment A;

  /** The second mapping of the same file (actor 2's view). */
  static final MemorySegment B;

  private static final AtomicLong NEXT = new AtomicLong();

  static {
    Path file = Path.of("/dev/shm", "multiproc-jcstress-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      channel.truncate(FILE_BYTES);
      channel.write(java.nio.ByteBuffer.allocate(1), FILE_BYTES - 1);
      A = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES, Arena.global());
      B = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES, Arena.global());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // Nothing to clean then.
      }
    }
    if (A.address() == B.address()) {
      throw new IllegalStateException("expected two distinct mappings");
    }
  }

  private TwoMappings() {}

  /** {@return the offset of a fresh, zeroed slot} */
  static long slot() {
    long offset = NEXT.getAndIncrement() % (FILE_BYTES / SLOT_BYTES) * SLOT_BYTES;
    A.asSlice(offset, SLOT_BYTES).fill((byte) 0);
    return offset;
  }
}
