package dev.multiproc.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * With {@code -Dmultiproc.phases=true}, prints on standard error how long after this JVM's start
 * each phase of a command ended — where the wall time of a run goes.
 */
final class Phases {
  private static final boolean ENABLED = Boolean.getBoolean("multiproc.phases");

  private Phases() {}

  /** Read from /proc only when phases are printed: not on every command's start-up path. */
  private static final class Start {
    static final Instant INSTANT = ProcessHandle.current().info().startInstant().orElse(Instant.now());
  }

  static void mark(String phase) {
    if (ENABLED) {
      System.err.printf("[phase] %6d ms  %s (cpu %d ms)%n", Duration.between(Start.INSTANT, Instant.now()).toMillis(), phase,
          ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L));
    }
  }
}
