package dev.multiproc;

import java.io.Serial;
import java.time.Duration;

/**
 * A task ran past its hard timeout; the worker running it was killed (no cooperation from the
 * task needed) and replaced, and the pool goes on.
 */
public final class TaskTimeoutException extends WorkerCrashedException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param timeout the timeout that expired
   * @param workerName the worker that ran the task
   * @param pid its process id
   */
  public TaskTimeoutException(Duration timeout, String workerName, long pid) {
    super("task exceeded its timeout of " + timeout + "; worker " + workerName + " (pid " + pid + ") was killed and replaced", pid, -9);
  }
}
