package dev.multiproc;

import java.io.Serial;

/**
 * A faithful stand-in for an exception thrown in another process whose class could not be
 * rebuilt here (missing class, failed deserialization). It keeps the remote class name, message,
 * stack trace and cause chain; {@link #toString()} prints like the original would.
 */
public final class RemoteException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** The remote exception's class name. */
  private final String remoteClassName;

  /**
   * Creates the stand-in.
   *
   * @param remoteClassName the remote exception's class name
   * @param message its message, or null
   * @param stackTrace its remote stack trace
   * @param cause its (stand-in) cause, or null
   */
  public RemoteException(String remoteClassName, String message, StackTraceElement[] stackTrace, Throwable cause) {
    super(message, cause, false, true);
    this.remoteClassName = remoteClassName;
    setStackTrace(stackTrace);
  }

  /** {@return the class name of the exception in the other process} */
  public String remoteClassName() {
    return remoteClassName;
  }

  @Override
  public String toString() {
    String message = getLocalizedMessage();
    return message == null ? remoteClassName : remoteClassName + ": " + message;
  }
}
