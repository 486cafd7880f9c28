package dev.multiproc.internal.codec;

import dev.multiproc.RemoteException;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.ThrowableDescription;

/** Encodes a task's exception for the wire and rebuilds it on the other side. */
public final class RemoteFailures {
  private RemoteFailures() {}

  /**
   * Describes a task's exception twice: structurally, and through the codec when it can.
   *
   * @param taskId the task
   * @param failure the exception
   * @param encoding the value encoding
   * @return the failure message
   */
  public static TaskFailure describe(long taskId, Throwable failure, ValueEncoding encoding) {
    byte[] encoded;
    try {
      encoded = encoding.encode(failure);
    } catch (RuntimeException | Error e) {
      // A non-serializable exception (or one whose fields are not) still travels as a description.
      encoded = new byte[0];
    }
    return new TaskFailure(taskId, ThrowableDescription.of(failure), encoded);
  }

  /**
   * Rebuilds the exception: the original type if it decodes here, otherwise a {@link RemoteException}
   * chain built from the description. Never throws.
   *
   * @param failure the failure message
   * @param encoding the value encoding
   * @return the exception
   */
  public static Throwable rebuild(TaskFailure failure, ValueEncoding encoding) {
    if (failure.encoded().length > 0) {
      try {
        if (encoding.decode(failure.encoded()) instanceof Throwable t) {
          return t;
        }
      } catch (Exception | LinkageError e) {
        // Fall through to the stand-in: the class is missing here or the bytes were refused.
      }
    }
    return standIn(failure.description());
  }

  /** {@return a {@link RemoteException} chain mirroring {@code d}} */
  public static RemoteException standIn(ThrowableDescription d) {
    Throwable cause = d.cause() == null ? null : standIn(d.cause());
    return new RemoteException(d.className(), d.message(), d.stackTrace(), cause);
  }
}
