package dev.multiproc;

import java.io.Serial;

/**
 * A task threw in another process. {@link #getCause()} is the task's own exception with its remote
 * stack trace and cause chain: the original type when its class can be loaded here, otherwise a
 * {@link RemoteException} that carries the remote class name, message, stack and causes.
 *
 * {@snippet :
 * try {
 *   child.result();
 * } catch (TaskFailedException e) {
 *   if (e.getCause() instanceof IllegalStateException ise) { ... }
 *   e.remoteClassName(); // "java.lang.IllegalStateException", whatever arrived
 * }
 * }
 */
public final class TaskFailedException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /** The class name of the exception the task threw. */
  private final String remoteClassName;

  /**
   * Creates the exception.
   *
   * @param where which process or task failed, for the message
   * @param remoteClassName the class name of the exception the task threw
   * @param cause the task's exception (or its stand-in)
   */
  public TaskFailedException(String where, String remoteClassName, Throwable cause) {
    super(where + " failed with " + remoteClassName + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    this.remoteClassName = remoteClassName;
  }

  /** {@return the class name of the exception the task threw in the other process} */
  public String remoteClassName() {
    return remoteClassName;
  }
}
