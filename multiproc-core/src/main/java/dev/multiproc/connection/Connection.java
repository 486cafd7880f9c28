package dev.multiproc.connection;

import dev.multiproc.internal.connection.RingConnection;
import dev.multiproc.internal.queue.ItemEncoding;
import dev.multiproc.internal.connection.SocketConnection;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;

/**
 * One end of a two-way (or one-way) message channel between processes: Python's {@code
 * multiprocessing.connection.Connection}. Get one from {@link Pipe#open(boolean)} (shared memory,
 * between processes of this machine), {@link Listener#accept()} or {@link Client#connect} (a
 * Unix-domain or TCP socket, authenticated with a shared key).
 *
 * <p>Messages are whole: {@link #send} and {@link #sendBytes} deliver one message that {@link
 * #recv} or {@link #recvBytes} returns whole, in order. Objects are encoded as queue items are
 * (boxed numbers, strings, primitive arrays raw; others by JDK serialization) and the receiver gets
 * a copy.
 *
 * <p><b>Thread safety.</b> One thread may send while another receives. Concurrent senders (or
 * receivers) on the same end are serialized, never interleaved within a message.
 *
 * <p><b>Failure.</b> {@link #recv} throws {@link EOFException} once the other end is closed (or its
 * process died, for a pipe) and every message sent before has been received — Python's {@code
 * EOFError}. Sending to an end whose peer is gone throws {@link IOException} (Python's {@code
 * BrokenPipeError}) when the message cannot be delivered. A message larger than the limit (256 MiB
 * for sockets) is refused, never allocated. Blocking calls respond to interrupts.
 *
 * {@snippet :
 * Pipe pipe = Pipe.open(true);
 * Connection end = pipe.second();
 * ChildProcess<Void> child = ChildProcess.of(() -> { end.send(List.of(42, "hello")); end.close(); });
 * child.start();
 * System.out.println(pipe.first().recv());   // [42, hello]
 * }
 *
 * @see Pipe
 * @see Listener
 * @see Client
 */
public sealed interface Connection extends AutoCloseable permits RingConnection, SocketConnection {
  /**
   * Sends an object.
   *
   * @param message the object, serializable (null is allowed)
   * @throws IOException if the peer is gone or the channel failed
   * @throws InterruptedException if interrupted while waiting for room
   */
  default void send(Object message) throws IOException, InterruptedException {
    sendBytes(ItemEncoding.encode(message));
  }

  /**
   * Receives the next object, waiting for one.
   *
   * @return the object
   * @throws EOFException if the other end is closed and nothing is left to receive
   * @throws IOException if the channel failed
   * @throws InterruptedException if interrupted while waiting
   */
  default Object recv() throws IOException, InterruptedException {
    return ItemEncoding.decode(recvBytes());
  }

  /**
   * Sends bytes as one message (Python's {@code send_bytes}).
   *
   * @param bytes the message
   * @throws IOException if the peer is gone or the channel failed
   * @throws InterruptedException if interrupted while waiting for room
   */
  default void sendBytes(byte[] bytes) throws IOException, InterruptedException {
    sendBytes(bytes, 0, bytes.length);
  }

  /**
   * Sends part of an array as one message.
   *
   * @param bytes the array
   * @param offset where the message starts
   * @param length its length
   * @throws IOException if the peer is gone or the channel failed
   * @throws InterruptedException if interrupted while waiting for room
   */
  void sendBytes(byte[] bytes, int offset, int length) throws IOException, InterruptedException;

  /**
   * Receives the next message sent with {@link #sendBytes} (Python's {@code recv_bytes}).
   *
   * @return its bytes
   * @throws EOFException if the other end is closed and nothing is left to receive
   * @throws IOException if the channel failed
   * @throws InterruptedException if interrupted while waiting
   */
  byte[] recvBytes() throws IOException, InterruptedException;

  /**
   * Waits up to {@code timeout} for a message to receive (Python's {@code poll(timeout)}).
   *
   * @param timeout the longest wait; zero to check without waiting
   * @return whether {@link #recv} would return without waiting (also true at end-of-stream, where
   *     it would throw at once)
   * @throws IOException if the channel failed
   * @throws InterruptedException if interrupted while waiting
   */
  boolean poll(Duration timeout) throws IOException, InterruptedException;

  /**
   * {@return whether a message is ready now} (Python's {@code poll()})
   *
   * @throws IOException if the channel failed
   */
  default boolean poll() throws IOException {
    try {
      return poll(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@return whether {@link #close()} was called on this object} */
  boolean isClosed();

  /** Closes this end; the peer then sees end-of-stream once it has received what was sent. Idempotent. */
  @Override
  void close();
}
