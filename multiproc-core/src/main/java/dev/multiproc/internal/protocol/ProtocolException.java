package dev.multiproc.internal.protocol;

import java.io.IOException;
import java.io.Serial;

/**
 * A frame on a worker channel was corrupt, truncated, oversized or out of order. The channel that
 * produced it is closed; the peer is treated as crashed.
 */
public final class ProtocolException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong with the frame
   */
  public ProtocolException(String message) {
    super(message);
  }
}
