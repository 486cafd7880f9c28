package dev.multiproc.internal.protocol;

import java.io.IOException;
import java.io.Serial;

/** A message was refused because its frame would exceed the channel's limit; nothing was sent. */
public final class FrameTooLargeException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  /** The frame's size. */
  private final long frameBytes;

  /**
   * Creates the exception.
   *
   * @param frameBytes the frame's size
   * @param maxFrameBytes the limit
   */
  public FrameTooLargeException(long frameBytes, int maxFrameBytes) {
    super(
        "message of "
            + frameBytes
            + " bytes exceeds the limit of "
            + maxFrameBytes
            + " bytes; raise maxMessageBytes or pass large data through shared memory or a file");
    this.frameBytes = frameBytes;
  }

  /** {@return the refused frame's size in bytes} */
  public long frameBytes() {
    return frameBytes;
  }
}
