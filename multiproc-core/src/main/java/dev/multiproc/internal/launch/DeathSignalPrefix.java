package dev.multiproc.internal.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command prefix that arms a child's parent-death signal before its JVM starts: util-linux's
 * {@code setpriv --pdeathsig KILL}, which calls {@code prctl(PR_SET_PDEATHSIG, SIGKILL)} and execs
 * the JVM (the signal survives the exec). The worker then skips arming it itself (see {@code
 * WorkerMain}), which it does through {@code java.lang.foreign}: a downcall handle's first
 * creation spins method-handle and stub classes, ~60 ms and ~100 ms of CPU in a fresh JVM (measured
 * on this project's 2-core machine), at the moment every worker of a new pool starts at once.
 *
 * <p>Used only where a {@code setpriv} is found that takes {@code --pdeathsig} (checked once per
 * JVM by running it); elsewhere the prefix is empty and workers arm the signal themselves, as
 * before. Either way the signal fires when the spawning <em>thread</em> exits, so children are
 * still spawned from {@link ProcessSpawner}'s long-lived thread, and a worker still compares its
 * parent's pid with the one it was given (a parent that died before the signal was armed).
 */
final class DeathSignalPrefix {
  /** The system property that tells a worker its parent-death signal is already armed. */
  static final String ARMED_PROPERTY = "multiproc.pdeathsig";

  private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

  private DeathSignalPrefix() {}

  /** Checked on first use: one short child process per JVM. */
  private static final class Found {
    static final List<String> PREFIX = find();
  }

  /** {@return the prefix to put before a worker's {@code java} command, or an empty list} */
  static List<String> get() {
    return Found.PREFIX;
  }

  private static List<String> find() {
    if (!System.getProperty("os.name", "").startsWith("Linux") || "off".equals(System.getProperty(ARMED_PROPERTY))) {
      return List.of();
    }
    if (!Files.isExecutable(Path.of(JvmCommandLine.javaBinary()))) {
      return List.of(); // else the start error would become setpriv's exit 127, not a clear one
    }
    for (Path setpriv : CANDIDATES) {
      if (Files.isExecutable(setpriv) && works(setpriv)) {
        return List.of(setpriv.toString(), "--pdeathsig", "KILL");
      }
    }
    return List.of();
  }

  /** Whether this setpriv knows --pdeathsig (util-linux 2.33 and later): it must exec a no-op. */
  private static boolean works(Path setpriv) {
    try {
      Process probe = new ProcessBuilder(setpriv.toString(), "--pdeathsig", "KILL", "--", setpriv.toString(), "--version")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!probe.waitFor(5, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
        return false;
      }
      return probe.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
