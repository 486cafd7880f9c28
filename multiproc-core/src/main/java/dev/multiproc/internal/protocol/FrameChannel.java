package dev.multiproc.internal.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bidirectional stream of {@link Message}s over a byte channel (a Unix-domain socket between a
 * parent and one worker).
 *
 * <p>Thread safety: any number of threads may {@link #send} concurrently (frames never interleave);
 * {@link #receive} is meant for a single reader thread. A frame longer than the limit is refused
 * before its buffer is allocated, on both the sending and the receiving side.
 */
public final class FrameChannel implements AutoCloseable {
  private final ByteChannel channel;
  private final int maxFrameBytes;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ByteBuffer lengthBuffer = ByteBuffer.allocate(FrameDescriptor.LENGTH_FIELD_BYTES);

  /**
   * Wraps a connected channel.
   *
   * @param channel a connected, blocking channel
   * @param maxFrameBytes the largest frame either side may send
   */
  public FrameChannel(ByteChannel channel, int maxFrameBytes) {
    this.channel = channel;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Sends one message.
   *
   * @param message the message
   * @throws FrameTooLargeException if its frame exceeds the limit (nothing is sent)
   * @throws IOException if the channel fails
   */
  public void send(Message message) throws IOException {
    long length = MessageCodec.frameLength(message); // checked before any buffer exists
    if (length > maxFrameBytes) {
      throw new FrameTooLargeException(length, maxFrameBytes);
    }
    ByteBuffer frame = MessageCodec.encode(message);
    writeLock.lock();
    try {
      while (frame.hasRemaining()) {
        channel.write(frame);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Blocks until the next message arrives.
   *
   * @return the message
   * @throws EOFException if the peer closed the channel at a frame boundary
   * @throws ProtocolException if the frame is malformed, oversized or cut short
   * @throws IOException if the channel fails
   */
  public Message receive() throws IOException {
    lengthBuffer.clear();
    if (!readFully(lengthBuffer, true)) {
      throw new EOFException("channel closed by peer");
    }
    int length = lengthBuffer.getInt(0);
    if (length < FrameDescriptor.MIN_FRAME_LENGTH || length > maxFrameBytes) {
      throw new ProtocolException(
          "frame length " + length + " outside [" + FrameDescriptor.MIN_FRAME_LENGTH + ", " + maxFrameBytes + "]");
    }
    ByteBuffer frame = ByteBuffer.allocate(length);
    readFully(frame, false);
    return MessageCodec.decode(frame.flip());
  }

  /** Returns false on a clean EOF before the first byte, if allowed; a later EOF is a protocol error. */
  private boolean readFully(ByteBuffer buffer, boolean eofAllowedAtStart) throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer);
      if (n < 0) {
        if (eofAllowedAtStart && buffer.position() == 0) {
          return false;
        }
        throw new ProtocolException("channel closed in the middle of a frame");
      }
    }
    return true;
  }

  /** {@return whether the underlying channel is still open} */
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
