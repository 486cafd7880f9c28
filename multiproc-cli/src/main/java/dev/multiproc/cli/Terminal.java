package dev.multiproc.cli;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal. On Linux, read from where {@code /proc/self/fd/2} points
 * (a terminal device: {@code /dev/pts/N}, {@code /dev/ttyX}, {@code /dev/console}), as {@code
 * ttyname(3)} does; elsewhere asked of the C library ({@code isatty}) through FFM. Why not FFM
 * everywhere: a downcall handle's first creation spins method-handle classes, ~30 ms of the word
 * count's start-up in the parent, between parsing its arguments and starting the job.
 */
final class Terminal {
  private static final int STDERR = 2;

  private Terminal() {}

  /** {@return whether standard error is a terminal (false when that cannot be determined)} */
  static boolean stderrIsTerminal() {
    Path link = Path.of("/proc/self/fd/" + STDERR);
    if (Files.isDirectory(Path.of("/proc/self/fd"))) {
      try {
        String target = Files.readSymbolicLink(link).toString();
        if (isTerminalDevice(target)) {
          return true;
        }
        if (!target.startsWith("/dev/") || target.equals("/dev/null")) {
          return false; // a file, a pipe, a socket
        }
        // Another device (a hypervisor console, say): ask the C library.
      } catch (IOException | UnsupportedOperationException e) {
        // unreadable: ask the C library
      }
    }
    return isatty(STDERR);
  }

  /** Whether a device path names a terminal. */
  static boolean isTerminalDevice(String device) {
    return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
  }

  @SuppressWarnings("restricted") // the launcher passes --enable-native-access
  static boolean isatty(int fd) {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle isatty = linker.downcallHandle(
          linker.defaultLookup().find("isatty").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      return (int) isatty.invokeExact(fd) == 1;
    } catch (Throwable e) {
      return false;
    }
  }
}
