package dev.multiproc.connection;

import java.io.IOException;
import java.io.Serial;

/**
 * The peer of a {@link Listener} or {@link Client} did not prove it holds the authentication key
 * (Python's {@code multiprocessing.AuthenticationError}): the connection is closed before any
 * message is exchanged.
 */
public final class AuthenticationException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the peer failed to do
   */
  public AuthenticationException(String message) {
    super(message);
  }
}
