package dev.multiproc.function;

import java.io.Serializable;

/**
 * An action without a result that can be sent to another JVM; unlike {@link Runnable} it may throw
 * checked exceptions, which arrive in the parent as the cause of a
 * {@link dev.multiproc.TaskFailedException}.
 */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {
  /**
   * Runs the action.
   *
   * @throws Exception if the action fails
   */
  void run() throws Exception;
}
