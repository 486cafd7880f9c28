package dev.multiproc;

import java.io.Serial;

/**
 * A pool worker died while running the task: killed, crashed, {@code System.exit}, out of memory.
 * The pool has replaced the worker; only the tasks that were running on it fail. The message says
 * which worker (name and pid) and how it ended ({@link #exitCode()}: {@code -N} for signal N, as
 * Python reports).
 */
public class WorkerCrashedException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /** The worker's process id. */
  private final long pid;

  /** The worker's exit code, Python's convention. */
  private final int exitCode;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param pid the worker's process id
   * @param exitCode the worker's exit code ({@code -N} for signal N)
   */
  public WorkerCrashedException(String message, long pid, int exitCode) {
    super(message);
    this.pid = pid;
    this.exitCode = exitCode;
  }

  /** {@return the process id of the worker that died} */
  public long pid() {
    return pid;
  }

  /** {@return the worker's exit code: {@code -N} for signal N, else its exit status} */
  public int exitCode() {
    return exitCode;
  }
}
