package dev.multiproc.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Whether a standard stream is a terminal, asked of the C library ({@code isatty}) through FFM. */
final class Terminal {
  private static final int STDERR = 2;

  private Terminal() {}

  /** {@return whether standard error is a terminal (false when that cannot be determined)} */
  @SuppressWarnings("restricted") // the launcher passes --enable-native-access
  static boolean stderrIsTerminal() {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle isatty = linker.downcallHandle(
          linker.defaultLookup().find("isatty").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      return (int) isatty.invokeExact(STDERR) == 1;
    } catch (Throwable e) {
      return false;
    }
  }
}
