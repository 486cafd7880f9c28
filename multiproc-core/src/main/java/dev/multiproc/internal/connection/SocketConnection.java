package dev.multiproc.internal.connection;

import dev.multiproc.connection.Connection;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Connection} over a connected Unix-domain or TCP socket.
 *
 * <p>Wire format: each message is a 4-byte big-endian length, then that many bytes. A length
 * above the limit or below zero is a protocol error that closes the connection, never an
 * allocation.
 *
 * <p>The channel is non-blocking and registered with two selectors, one per direction, so that
 * {@link #poll(Duration)} can wait with a timeout (a Unix-domain channel has no socket adaptor with
 * {@code SO_TIMEOUT}) and one thread may send while another receives. Each direction has its own
 * lock. Not serializable: a socket cannot move to another process.
 */
public final class SocketConnection implements Connection {
  /** The largest message accepted, as for worker channels. */
  public static final int MAX_MESSAGE_BYTES = 256 << 20;

  private final SocketChannel channel;
  private final Selector readSelector;
  private final Selector writeSelector;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ByteBuffer header = ByteBuffer.allocate(4);
  private volatile boolean closed;

  /**
   * Wraps a connected channel; closes it if the wrapping fails.
   *
   * @param channel a connected socket channel
   * @throws IOException if it cannot be made non-blocking or registered
   */
  public SocketConnection(SocketChannel channel) throws IOException {
    this.channel = channel;
    Selector r = null;
    Selector w = null;
    try {
      channel.configureBlocking(false);
      r = Selector.open();
      w = Selector.open();
      channel.register(r, SelectionKey.OP_READ);
      channel.register(w, SelectionKey.OP_WRITE);
    } catch (IOException | RuntimeException e) {
      closeQuietly(r);
      closeQuietly(w);
      channel.close();
      throw e;
    }
    this.readSelector = r;
    this.writeSelector = w;
  }

  @Override
  public void sendBytes(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length > MAX_MESSAGE_BYTES) {
      throw new IOException("message of " + length + " bytes exceeds the limit of " + MAX_MESSAGE_BYTES);
    }
    writeLock.lockInterruptibly();
    try {
      checkOpen();
      ByteBuffer[] frame = {ByteBuffer.allocate(4).putInt(0, length), ByteBuffer.wrap(bytes, offset, length)};
      while (frame[1].hasRemaining() || frame[0].hasRemaining()) {
        if (channel.write(frame) == 0) {
          await(writeSelector, 0);
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public byte[] recvBytes() throws IOException, InterruptedException {
    return recvBytes(MAX_MESSAGE_BYTES);
  }

  /**
   * Receives a message no longer than {@code maxBytes}.
   *
   * @param maxBytes the limit
   * @return the message
   * @throws IOException if the peer closed (EOFException), sent a longer message, or the channel failed
   * @throws InterruptedException if interrupted while waiting
   */
  byte[] recvBytes(int maxBytes) throws IOException, InterruptedException {
    readLock.lockInterruptibly();
    try {
      checkOpen();
      fill(header, true);
      int length = header.getInt(0);
      header.clear();
      if (length < 0 || length > maxBytes) {
        close();
        throw new StreamCorruptedException("peer sent a message of " + length + " bytes; the limit is " + maxBytes);
      }
      ByteBuffer body = ByteBuffer.allocate(length);
      fill(body, false);
      return body.array();
    } finally {
      readLock.unlock();
    }
  }

  private void fill(ByteBuffer buffer, boolean atBoundary) throws IOException, InterruptedException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer);
      if (n < 0) {
        throw new EOFException(atBoundary && buffer.position() == 0 ? "the other end closed the connection" : "the other end closed the connection inside a message");
      }
      if (n == 0) {
        await(readSelector, 0);
      }
    }
  }

  /** Waits for readiness; {@code timeoutNanos} 0 = no limit. {@return whether the channel became ready} */
  private boolean await(Selector selector, long timeoutNanos) throws IOException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    int ready = timeoutNanos == 0 ? selector.select() : selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
    selector.selectedKeys().clear();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    checkOpen();
    return ready > 0;
  }

  @Override
  public boolean poll(Duration timeout) throws IOException, InterruptedException {
    readLock.lockInterruptibly();
    try {
      checkOpen();
      if (header.position() > 0) {
        return true;
      }
      if (timeout.isZero() || timeout.isNegative()) {
        int ready = readSelector.selectNow();
        readSelector.selectedKeys().clear();
        return ready > 0;
      }
      return await(readSelector, Math.max(1, timeout.toNanos()));
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(channel);
    readSelector.wakeup();
    writeSelector.wakeup();
    closeQuietly(readSelector);
    closeQuietly(writeSelector);
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("connection is closed");
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing anyway.
      }
    }
  }

  @Override
  public String toString() {
    try {
      return "Connection[" + channel.getLocalAddress() + " <-> " + channel.getRemoteAddress() + "]";
    } catch (IOException | RuntimeException e) {
      return "Connection[closed socket]";
    }
  }
}
