package dev.multiproc.shared;

import dev.multiproc.MultiprocException;
import java.io.Serial;

/**
 * A shared-memory segment cannot be created or attached: {@code /dev/shm} is full, the segment
 * does not exist (any more), or what is there is not a segment this code may read (foreign file,
 * other layout version, other kind, or left behind by processes that all died). The message names
 * the segment and, where there is one, the fix.
 */
public class SharedMemoryException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   */
  public SharedMemoryException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public SharedMemoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
