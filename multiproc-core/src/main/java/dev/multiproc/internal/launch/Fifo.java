package dev.multiproc.internal.launch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Creates named pipes (FIFOs), the child-to-parent half of a worker channel.
 *
 * <p>Through {@code java.lang.foreign} when this module has native access (the JDK asks
 * applications to grant it with {@code --enable-native-access}); otherwise through the {@code
 * mkfifo} command, a few milliseconds slower but without the JDK's restricted-method warning.
 */
final class Fifo {
  private static final int MODE_OWNER_READ_WRITE = 0600;
  private static final MethodHandle MKFIFO = lookupMkfifo();

  private Fifo() {}

  @SuppressWarnings("restricted")
  private static MethodHandle lookupMkfifo() {
    if (!Fifo.class.getModule().isNativeAccessEnabled()) {
      return null;
    }
    try {
      Linker linker = Linker.nativeLinker();
      return linker.downcallHandle(
          linker.defaultLookup().findOrThrow("mkfifo"),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    } catch (RuntimeException e) {
      return null;
    }
  }

  static void create(Path path) throws IOException {
    if (MKFIFO != null) {
      int rc;
      try (Arena arena = Arena.ofConfined()) {
        rc = (int) MKFIFO.invokeExact(arena.allocateFrom(path.toString()), MODE_OWNER_READ_WRITE);
      } catch (Throwable t) {
        throw new IOException("mkfifo " + path + " failed", t);
      }
      if (rc != 0) {
        throw new IOException("mkfifo " + path + " failed");
      }
      return;
    }
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
    try {
      if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
        throw new IOException("mkfifo " + path + " failed: " + new String(mkfifo.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating " + path, e);
    }
  }
}
