package dev.multiproc;

import java.io.Serial;

/**
 * A child process ended without delivering its task's outcome: it was killed, crashed, called
 * {@code System.exit}, or broke the protocol. The exit code follows Python's convention: {@code -N}
 * when ended by signal N, otherwise the status it exited with.
 */
public final class ProcessDiedException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /** The child's exit code. */
  private final int exitCode;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param exitCode the exit code, Python's convention
   * @param cause an underlying failure (e.g. a protocol error), or null
   */
  public ProcessDiedException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** {@return the child's exit code: {@code -N} for signal N, else its exit status} */
  public int exitCode() {
    return exitCode;
  }
}
