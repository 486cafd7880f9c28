package dev.multiproc.internal.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bidirectional stream of {@link Message}s over a pair of byte streams: between a parent and
 * one worker, the worker's stdin pipe one way and a private FIFO the other way.
 *
 * <p>Streams, not NIO channels, on purpose: {@code FileInputStream}/{@code FileOutputStream} are
 * initialized by every JVM before {@code main}, while opening the first NIO socket costs a child
 * JVM ~20 ms of class and native-library initialization on the critical path of every cold start.
 *
 * <p>Give it a buffered output stream: a task or result frame is written as its short head and
 * then its payload, which an unbuffered stream would turn into two system calls.
 *
 * <p>Thread safety: any number of threads may {@link #send} concurrently (frames never interleave);
 * {@link #receive} is meant for a single reader thread. A frame longer than the limit is refused
 * before its buffer is allocated, on both the sending and the receiving side.
 */
public final class FrameChannel implements AutoCloseable {
  private final InputStream in;
  private final OutputStream out;
  private final int maxFrameBytes;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final byte[] lengthBytes = new byte[FrameDescriptor.LENGTH_FIELD_BYTES];
  /** When the oldest frame still in the output buffer was written (see {@link #sendLater}); 0 if none. */
  private volatile long unflushedSince;
  /** How many frames {@link #sendLater} left in the output buffer; guarded by writeLock. */
  private int unflushedFrames;

  /**
   * Wraps a pair of streams.
   *
   * @param in where frames arrive (null for a send-only channel)
   * @param out where frames go (null for a receive-only channel)
   * @param maxFrameBytes the largest frame either side may send
   */
  public FrameChannel(InputStream in, OutputStream out, int maxFrameBytes) {
    this.in = in;
    this.out = out;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Wraps a connected, blocking byte channel (a socket, an in-memory channel in tests).
   *
   * @param channel the channel
   * @param maxFrameBytes the largest frame either side may send
   */
  public FrameChannel(ByteChannel channel, int maxFrameBytes) {
    this(Channels.newInputStream(channel), Channels.newOutputStream(channel), maxFrameBytes);
  }

  /**
   * Sends one message.
   *
   * @param message the message
   * @throws FrameTooLargeException if its frame exceeds the limit (nothing is sent)
   * @throws IOException if the stream fails
   */
  public void send(Message message) throws IOException {
    Encoded frame = encode(message);
    writeLock.lock();
    try {
      frame.writeTo(out);
      flushHeld();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Writes a message but may leave it in the output buffer (over a buffered stream) until the next
   * {@link #send}, {@link #flush()} or {@link #flushIfOlderThan}: a worker that has its next task
   * at hand sends a tiny task's result with the next ones, in one write, instead of one each.
   * The caller must make sure one of those follows soon.
   *
   * @param message the message
   * @return whether the buffer held nothing before (a deadline for it starts now)
   * @throws FrameTooLargeException if its frame exceeds the limit (nothing is written)
   * @throws IOException if the stream fails
   */
  public boolean sendLater(Message message) throws IOException {
    return sendLater(message, Integer.MAX_VALUE);
  }

  /**
   * {@link #sendLater(Message)}, but never more than {@code maxHeld} frames wait: the one that
   * would exceed it flushes them all with it.
   *
   * @param message the message
   * @param maxHeld how many frames may wait in the buffer at most
   * @return whether the buffer held nothing before (a deadline for it starts now)
   * @throws FrameTooLargeException if its frame exceeds the limit (nothing is written)
   * @throws IOException if the stream fails
   */
  public boolean sendLater(Message message, int maxHeld) throws IOException {
    Encoded frame = encode(message);
    writeLock.lock();
    try {
      frame.writeTo(out);
      if (++unflushedFrames > maxHeld) {
        flushHeld();
        return false;
      }
      if (unflushedSince == 0) {
        unflushedSince = System.nanoTime() | 1; // never 0
        return true;
      }
      return false;
    } finally {
      writeLock.unlock();
    }
  }

  /** {@return whether frames written by {@link #sendLater} may still wait in the output buffer} */
  public boolean hasUnflushed() {
    return unflushedSince != 0;
  }

  /**
   * Flushes what {@link #sendLater} left in the buffer if it has waited at least {@code nanos}.
   *
   * @param nanos the age
   * @throws IOException if the stream fails
   */
  public void flushIfOlderThan(long nanos) throws IOException {
    writeLock.lock();
    try {
      long since = unflushedSince;
      if (since != 0 && System.nanoTime() - since >= nanos) {
        flushHeld();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Flushes the stream, and with it every frame {@link #sendLater} held; caller holds writeLock. */
  private void flushHeld() throws IOException {
    out.flush();
    unflushedSince = 0;
    unflushedFrames = 0;
  }

  /**
   * Flushes what {@link #sendLater} left in the buffer.
   *
   * @throws IOException if the stream fails
   */
  public void flush() throws IOException {
    flushIfOlderThan(0);
  }

  /**
   * Sends several messages with one flush: over a buffered stream, small frames then leave in one
   * write system call instead of one each (a pool's dispatcher sends the tasks it takes at once
   * this way; the syscall and the peer's wake-up per frame were most of a tiny task's cost).
   *
   * @param messages the messages, in order
   * @throws FrameTooLargeException if one of their frames exceeds the limit (nothing is sent)
   * @throws IOException if the stream fails
   */
  public void sendAll(java.util.List<? extends Message> messages) throws IOException {
    Encoded[] frames = new Encoded[messages.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = encode(messages.get(i));
    }
    writeLock.lock();
    try {
      for (Encoded frame : frames) {
        frame.writeTo(out);
      }
      flushHeld();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * A frame ready to write: for a task or a result, its few bytes of head and then the payload as
   * it is, which the stream copies once into its buffer or writes straight from the array when it
   * is large (a map chunk), instead of being copied into a frame first; any other message whole.
   */
  private record Encoded(ByteBuffer head, byte[] payload) {
    void writeTo(OutputStream out) throws IOException {
      out.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
      if (payload != null) {
        out.write(payload);
      }
    }
  }

  private Encoded encode(Message message) throws FrameTooLargeException {
    long length = MessageCodec.frameLength(message); // checked before any buffer exists
    if (length > maxFrameBytes) {
      throw new FrameTooLargeException(length, maxFrameBytes);
    }
    ByteBuffer head = MessageCodec.taskHead(message, length);
    if (head != null) {
      return new Encoded(head, message instanceof Message.RunTask r ? r.payload() : ((Message.TaskResult) message).payload());
    }
    return new Encoded(MessageCodec.encode(message, length), null);
  }

  /**
   * Blocks until the next message arrives.
   *
   * @return the message
   * @throws EOFException if the peer closed its end at a frame boundary
   * @throws ProtocolException if the frame is malformed, oversized or cut short
   * @throws IOException if the stream fails
   */
  public Message receive() throws IOException {
    int n = in.readNBytes(lengthBytes, 0, lengthBytes.length);
    if (n == 0) {
      throw new EOFException("channel closed by peer");
    }
    if (n < lengthBytes.length) {
      throw new ProtocolException("channel closed in the middle of a frame");
    }
    int length = ByteBuffer.wrap(lengthBytes).getInt();
    if (length < FrameDescriptor.MIN_FRAME_LENGTH || length > maxFrameBytes) {
      throw new ProtocolException(
          "frame length " + length + " outside [" + FrameDescriptor.MIN_FRAME_LENGTH + ", " + maxFrameBytes + "]");
    }
    int kind = in.read();
    if (kind < 0) {
      throw new ProtocolException("channel closed in the middle of a frame");
    }
    if (kind == MessageKind.RUN_TASK.code || kind == MessageKind.TASK_RESULT.code) {
      return receiveTask((byte) kind, length - FrameDescriptor.KIND_FIELD_BYTES);
    }
    byte[] frame = new byte[length];
    frame[0] = (byte) kind;
    readFully(frame, FrameDescriptor.KIND_FIELD_BYTES, length - FrameDescriptor.KIND_FIELD_BYTES);
    return MessageCodec.decode(ByteBuffer.wrap(frame));
  }

  /**
   * A RUN_TASK or TASK_RESULT frame, whose payload ends the frame: read straight into the
   * payload's own array instead of into a frame buffer it is then copied out of (a map chunk's
   * payload is its whole chunk). Checked as {@link MessageCodec#decode} checks it.
   */
  private Message receiveTask(byte kind, int bodyLength) throws IOException {
    boolean runTask = kind == MessageKind.RUN_TASK.code;
    int fixed = Long.BYTES + (runTask ? 1 : 0) + Integer.BYTES;
    if (bodyLength < fixed) {
      throw new ProtocolException("truncated frame");
    }
    byte[] head = new byte[fixed];
    readFully(head, 0, fixed);
    ByteBuffer fields = ByteBuffer.wrap(head);
    long taskId = fields.getLong();
    byte exitAfter = runTask ? fields.get() : 0;
    if (exitAfter != 0 && exitAfter != 1) {
      throw new ProtocolException("bad boolean byte " + exitAfter);
    }
    int payloadLength = fields.getInt();
    int left = bodyLength - fixed;
    if (payloadLength < 0 || payloadLength > left) {
      throw new ProtocolException("byte array length " + payloadLength + " exceeds the " + left + " bytes left in the frame");
    }
    if (payloadLength < left) {
      throw new ProtocolException((left - payloadLength) + " unexpected trailing bytes after " + MessageKind.of(kind));
    }
    byte[] payload = new byte[payloadLength];
    readFully(payload, 0, payloadLength);
    return runTask ? new Message.RunTask(taskId, exitAfter == 1, payload) : new Message.TaskResult(taskId, payload);
  }

  private void readFully(byte[] into, int offset, int length) throws IOException {
    if (in.readNBytes(into, offset, length) < length) {
      throw new ProtocolException("channel closed in the middle of a frame");
    }
  }

  /** Closes the sending side, which the peer reads as EOF; receiving continues. */
  public void closeOutput() throws IOException {
    if (out != null) {
      out.close(); // not under the write lock: a sender blocked on a full pipe must not block close
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (in != null) {
        in.close();
      }
    } finally {
      closeOutput();
    }
  }
}
