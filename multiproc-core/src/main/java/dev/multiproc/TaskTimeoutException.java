package dev.multiproc;

import java.io.Serial;
import java.time.Duration;

/**
 * A task ran past its hard timeout; the worker running it was killed (no cooperation from the
 * task needed) and replaced, and the pool goes on. {@link #threadDump()} shows where the task was
 * when time ran out: the worker's threads, taken just before the kill.
 */
public final class TaskTimeoutException extends WorkerCrashedException {
  @Serial private static final long serialVersionUID = 1L;

  /** The worker's thread dump, or an explanation of why there is none. */
  private final String threadDump;

  /**
   * Creates the exception.
   *
   * @param timeout the timeout that expired
   * @param workerName the worker that ran the task
   * @param pid its process id
   * @param threadDump the worker's threads just before the kill, or null if it did not answer
   */
  public TaskTimeoutException(Duration timeout, String workerName, long pid, String threadDump) {
    super(
        "task exceeded its timeout of " + timeout + "; worker " + workerName + " (pid " + pid + ") was killed and replaced"
            + (threadDump == null ? "" : "; threadDump() shows where it was"),
        pid,
        -9);
    this.threadDump = threadDump == null ? "(the worker did not answer the thread-dump request before the kill)" : threadDump;
  }

  /** {@return the worker's threads and stacks taken just before it was killed, stuck task first} */
  public String threadDump() {
    return threadDump;
  }
}
