package dev.multiproc;

/**
 * How a {@link ChildProcess} gets its JVM — Multiproc's counterpart of Python's start methods.
 *
 * <ul>
 *   <li>{@link #cold()} (the default, like Python's {@code spawn}): every {@code start()} launches
 *       a fresh JVM. Nothing runs in the background.
 *   <li>{@link #standby(int)} (the JVM's {@code forkserver}): keep {@code n} JVMs started, connected
 *       and warmed up; {@code start()} takes one and a replacement starts in the background. Costs
 *       {@code n} idle JVMs of memory; never slower than cold, since {@code start()} falls back to a
 *       cold launch when none is ready.
 * </ul>
 *
 * There is no {@code fork}: a JVM cannot fork safely. Standby workers carry generic names on their
 * command line ({@code <parent pid>/standby-N}); {@link ChildProcess#name()} is unaffected.
 *
 * {@snippet :
 * ChildProcess.setDefaultStartMethod(StartMethod.standby(2));
 * }
 *
 * @param standbyProcesses how many JVMs to keep ready, 0 for cold starts
 */
public record StartMethod(int standbyProcesses) {
  /**
   * Validates the count.
   *
   * @param standbyProcesses how many JVMs to keep ready, 0 for cold starts
   */
  public StartMethod {
    if (standbyProcesses < 0) {
      throw new IllegalArgumentException("standbyProcesses must be >= 0, got " + standbyProcesses);
    }
  }

  /** {@return a start method that launches a fresh JVM for each process} */
  public static StartMethod cold() {
    return new StartMethod(0);
  }

  /**
   * Keeps JVMs started ahead of need.
   *
   * @param processes how many to keep ready, at least 1
   * @return the start method
   */
  public static StartMethod standby(int processes) {
    if (processes < 1) {
      throw new IllegalArgumentException("standby needs at least 1 process, got " + processes + "; use cold() for none");
    }
    return new StartMethod(processes);
  }
}
