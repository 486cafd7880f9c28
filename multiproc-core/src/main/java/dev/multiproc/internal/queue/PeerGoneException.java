package dev.multiproc.internal.queue;

import java.io.Serial;

/**
 * The other end of a one-to-one ring (a pipe) is closed or its process died: an empty ring will
 * never fill, a full one never drain. {@code Connection} turns it into an {@code EOFException}.
 */
public final class PeerGoneException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which end is gone
   */
  public PeerGoneException(String message) {
    super(message);
  }
}
