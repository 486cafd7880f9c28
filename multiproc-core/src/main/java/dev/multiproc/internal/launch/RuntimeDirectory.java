package dev.multiproc.internal.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * This JVM's private directory for worker FIFOs and launch files: {@code multiproc-<pid>-<random>}
 * under {@code $XDG_RUNTIME_DIR} or {@code /tmp}, created with mode 0700 so no other user can
 * reach a channel in it. Removed at exit; directories left by parents that died (SIGKILL) are
 * removed when the next parent starts.
 */
final class RuntimeDirectory {
  private static final String PREFIX = "multiproc-";

  private static final class Holder {
    static final Path DIR = create();
  }

  private RuntimeDirectory() {}

  static Path get() {
    return Holder.DIR;
  }

  private static Path create() {
    Path base = base();
    reclaimStale(base);
    byte[] random = new byte[6];
    KernelRandom.fill(random);
    Path dir = base.resolve(PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random));
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Multiproc's runtime directory " + dir, e);
    }
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> deleteTree(dir)));
    return dir;
  }

  private static Path base() {
    // Prefer a short, private location (and keep paths well under 107 bytes should a socket live here).
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank() && xdg.length() < 60 && Files.isDirectory(Path.of(xdg))) {
      return Path.of(xdg);
    }
    return Path.of("/tmp");
  }

  /** Removes directories of ours whose owning JVM is no longer running. */
  private static void reclaimStale(Path base) {
    try (Stream<Path> entries = Files.list(base)) {
      entries
          .filter(p -> p.getFileName().toString().startsWith(PREFIX))
          .filter(RuntimeDirectory::ownerIsDead)
          .forEach(RuntimeDirectory::deleteTree);
    } catch (IOException | RuntimeException e) {
      // Best effort: a stale directory costs a few bytes, not correctness.
    }
  }

  private static boolean ownerIsDead(Path dir) {
    String[] parts = dir.getFileName().toString().split("-");
    if (parts.length != 3 || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // Best effort at exit.
    }
  }
}
