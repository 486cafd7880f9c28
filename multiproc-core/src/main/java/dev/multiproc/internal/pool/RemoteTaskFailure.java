package dev.multiproc.internal.pool;

import dev.multiproc.internal.protocol.Message.TaskFailure;
import java.io.Serial;

/**
 * Carries a task's failure from the result-delivery thread to the caller's decoding stage, so the
 * (possibly slow) rebuilding of the remote exception never runs on the delivery thread.
 */
public final class RemoteTaskFailure extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** The failure as it arrived; transient: this wrapper never leaves the JVM. */
  private final transient TaskFailure failure;

  RemoteTaskFailure(TaskFailure failure) {
    super(failure.description().className(), null, false, false);
    this.failure = failure;
  }

  /** {@return the failure message as it arrived} */
  public TaskFailure failure() {
    return failure;
  }
}
