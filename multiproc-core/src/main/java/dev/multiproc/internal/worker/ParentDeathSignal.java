package dev.multiproc.internal.worker;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Asks Linux to SIGKILL this process when its parent dies ({@code prctl(PR_SET_PDEATHSIG)}),
 * through {@code java.lang.foreign}.
 *
 * <p>The signal fires when the <em>thread</em> that spawned us exits, which is why the parent
 * spawns every child from one long-lived thread. It is the second line of defence: the first is
 * EOF on the control channel (see {@link WorkerMain}), which also covers non-Linux systems. A
 * parent that died before this call is caught by comparing {@code getppid()} with the pid the
 * parent gave us.
 *
 * <p>The setting belongs to the calling thread, not the process: Linux keeps it per task and sends
 * the signal while some thread that set it is alive. The caller must therefore be a thread that
 * lasts as long as the process (see {@code WorkerMain}). Where {@code setpriv --pdeathsig} started
 * the JVM, the JVM's primordial thread holds it instead and this is not called.
 */
final class ParentDeathSignal {
  private static final int PR_SET_PDEATHSIG = 1;
  private static final int SIGKILL = 9;

  private ParentDeathSignal() {}

  /** What arming came to. */
  enum Outcome {
    /** The signal is armed, for as long as the calling thread lives. */
    ARMED,
    /** Not armed (not Linux, native access refused, prctl failed): the stdin watchdog remains. */
    UNAVAILABLE,
    /** The parent is already gone: we were re-parented. */
    PARENT_GONE
  }

  /**
   * Arms the signal.
   *
   * @param expectedParentPid the parent's pid
   * @return whether it was armed, could not be, or the parent is gone already
   */
  @SuppressWarnings("restricted")
  static Outcome arm(long expectedParentPid) {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return Outcome.UNAVAILABLE;
    }
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle prctl =
          linker.downcallHandle(
              linker.defaultLookup().findOrThrow("prctl"),
              FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
              Linker.Option.firstVariadicArg(1));
      MethodHandle getppid =
          linker.downcallHandle(
              linker.defaultLookup().findOrThrow("getppid"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
      int rc = (int) prctl.invokeExact(PR_SET_PDEATHSIG, (long) SIGKILL);
      int ppid = (int) getppid.invokeExact();
      if (ppid != expectedParentPid) {
        return Outcome.PARENT_GONE;
      }
      return rc == 0 ? Outcome.ARMED : Outcome.UNAVAILABLE;
    } catch (Throwable e) {
      // Native access refused or unavailable: the stdin watchdog still guarantees exit.
      return Outcome.UNAVAILABLE;
    }
  }
}
