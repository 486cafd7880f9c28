package dev.multiproc;

import java.io.Serial;

/**
 * The cluster member running a task left the cluster (killed, crashed, shut down, cut off) before
 * the task's outcome arrived. Like a {@link WorkerCrashedException} on one machine, only the tasks
 * that member was running fail; MapReduce jobs run them again on the surviving members. The task
 * may have run, wholly or partly: re-run only idempotent tasks. {@link #pid()} and {@link
 * #exitCode()} are -1 (unknown here); {@link #member()} says which member it was.
 */
public final class MemberLostException extends WorkerCrashedException {
  @Serial private static final long serialVersionUID = 1L;

  /** The member's address, as the cluster reported it. */
  private final String member;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param member the member's address
   * @param cause the transport's own exception, or null
   */
  public MemberLostException(String message, String member, Throwable cause) {
    super(message, -1, -1);
    this.member = member;
    if (cause != null) {
      initCause(cause);
    }
  }

  /** {@return the address of the member that left} */
  public String member() {
    return member;
  }
}
