package dev.multiproc.internal.launch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates named pipes (FIFOs), the child-to-parent half of a worker channel.
 *
 * <p>The first {@value #BY_COMMAND} through the {@code mkfifo} command (~3 ms each), later ones
 * through {@code java.lang.foreign} when this module has native access (the JDK asks applications
 * to grant it with {@code --enable-native-access}), else still by command. Why not always the
 * foreign call: its first use in a JVM builds a downcall stub, ~50 ms of a 2-core machine measured
 * at a word count's start, on the path to its first worker; a small pool is up sooner by command,
 * and a big one still creates most of its FIFOs with the cheap call.
 */
final class Fifo {
  /** How many FIFOs a JVM creates by command before it turns to the foreign call. */
  static final int BY_COMMAND = 4;

  private static final int MODE_OWNER_READ_WRITE = 0600;
  private static final AtomicInteger CREATED = new AtomicInteger();

  /** Looked up on first use only: the stub is the cost. */
  private static final class Native {
    static final MethodHandle MKFIFO = lookupMkfifo();
  }

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
    if (CREATED.getAndIncrement() < BY_COMMAND || Native.MKFIFO == null) {
      try {
        byCommand(path);
        return;
      } catch (IOException e) {
        if (Native.MKFIFO == null) {
          throw e;
        }
        // No mkfifo command here (a minimal image, say): the foreign call it is. Should that fail
        // too, its error carries this one.
        try {
          byForeignCall(path);
        } catch (IOException second) {
          second.addSuppressed(e);
          throw second;
        }
        return;
      }
    }
    byForeignCall(path);
  }

  private static void byForeignCall(Path path) throws IOException {
    int rc;
    try (Arena arena = Arena.ofConfined()) {
      rc = (int) Native.MKFIFO.invokeExact(arena.allocateFrom(path.toString()), MODE_OWNER_READ_WRITE);
    } catch (Throwable t) {
      throw new IOException("mkfifo " + path + " failed", t);
    }
    if (rc != 0) {
      throw new IOException("mkfifo " + path + " failed");
    }
  }

  private static void byCommand(Path path) throws IOException {
    Process command = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
    try {
      if (!command.waitFor(10, TimeUnit.SECONDS)) {
        command.destroyForcibly();
        throw new IOException("mkfifo " + path + " did not finish in 10 s");
      }
      if (command.exitValue() != 0) {
        throw new IOException("mkfifo " + path + " failed: " + new String(command.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating " + path, e);
    }
  }
}
