package dev.multiproc;

import java.io.Serial;
import java.lang.invoke.SerializedLambda;

/**
 * A task, argument or result could not be serialized. Thrown where the value is handed over (at
 * {@code start()} or submission), never later inside a child. The message names the
 * non-serializable class and, for a lambda, the lambda that captured it.
 *
 * <p>Typical fixes: make the captured type {@link java.io.Serializable}, mark the field {@code
 * transient}, or create the object inside the task instead of capturing it.
 */
public final class TaskNotSerializableException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /** The class that could not be serialized, or null if unknown. */
  private final String offendingClass;

  /**
   * Creates the exception.
   *
   * @param message the full explanation
   * @param offendingClass the class that could not be serialized, or null if unknown
   * @param cause the serializer's own exception
   */
  public TaskNotSerializableException(String message, String offendingClass, Throwable cause) {
    super(message, cause);
    this.offendingClass = offendingClass;
  }

  /** {@return the name of the class that could not be serialized, or null if the codec did not say} */
  public String offendingClass() {
    return offendingClass;
  }

  /**
   * Builds the exception for a JDK-serialization failure.
   *
   * @param offendingClass the class named by {@link java.io.NotSerializableException}
   * @param lambda the innermost lambda being written when it failed, or null
   * @param value the value that was being encoded
   * @return the exception
   */
  public static TaskNotSerializableException of(String offendingClass, SerializedLambda lambda, Object value) {
    StringBuilder message = new StringBuilder("cannot send ")
        .append(value == null ? "null" : value.getClass().getName())
        .append(" to another process: it reaches ")
        .append(offendingClass)
        .append(", which is not Serializable");
    if (lambda != null) {
      message.append(" (captured by the lambda ")
          .append(lambda.getImplClass().replace('/', '.'))
          .append('.')
          .append(lambda.getImplMethodName());
      for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
        Object arg = lambda.getCapturedArg(i);
        if (arg != null && arg.getClass().getName().equals(offendingClass)) {
          message.append(", captured value #").append(i + 1);
          break;
        }
      }
      message.append(')');
    }
    message.append(". Make ")
        .append(offendingClass)
        .append(" Serializable, mark the field holding it transient,"
            + " or create it inside the task instead of capturing it.");
    return new TaskNotSerializableException(
        message.toString(), offendingClass, new java.io.NotSerializableException(offendingClass));
  }
}
