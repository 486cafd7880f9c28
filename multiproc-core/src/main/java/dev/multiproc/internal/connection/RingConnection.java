package dev.multiproc.internal.connection;

import dev.multiproc.connection.Connection;
import dev.multiproc.internal.queue.PeerGoneException;
import dev.multiproc.internal.queue.SharedRing;
import dev.multiproc.internal.shm.WaitStrategy;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;

/**
 * One end of a {@code Pipe}: receives from one {@link SharedRing} and sends into the other. Sends
 * and receives never take a Java lock: the rings' own producer and consumer locks order concurrent
 * callers, across threads and processes alike. Serializable as a {@link PipeHandle}.
 */
public final class RingConnection implements Connection, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final transient PipeEnds pipe;
  private final transient int index;
  private final transient SharedRing in;
  private final transient SharedRing out;

  RingConnection(PipeEnds pipe, int index, SharedRing in, SharedRing out) {
    this.pipe = pipe;
    this.index = index;
    this.in = in;
    this.out = out;
  }

  SharedRing in() {
    return in;
  }

  SharedRing out() {
    return out;
  }

  @Override
  public void sendBytes(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    write(offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length));
  }

  private void write(byte[] bytes) throws IOException, InterruptedException {
    checkOpen();
    if (out == null) {
      throw new IOException("this end of a one-way pipe can only receive");
    }
    WaitStrategy wait = WaitStrategy.untimed(true);
    try {
      out.offer(bytes, wait, false, true);
    } catch (PeerGoneException e) {
      throw new IOException("broken pipe: " + e.getMessage(), e);
    } finally {
      wait.finish();
    }
  }

  @Override
  public byte[] recvBytes() throws IOException, InterruptedException {
    checkOpen();
    if (in == null) {
      throw new IOException("this end of a one-way pipe can only send");
    }
    WaitStrategy wait = WaitStrategy.untimed(true);
    try {
      return in.poll(wait, true);
    } catch (PeerGoneException e) {
      throw new EOFException(e.getMessage());
    } finally {
      wait.finish();
    }
  }

  @Override
  public boolean poll(Duration timeout) throws IOException, InterruptedException {
    checkOpen();
    if (in == null) {
      throw new IOException("this end of a one-way pipe can only send");
    }
    return in.awaitReadable(WaitStrategy.timed(timeout.toNanos(), true), true);
  }

  @Override
  public boolean isClosed() {
    return pipe.isClosed(index);
  }

  @Override
  public void close() {
    pipe.close(index);
  }

  private void checkOpen() throws IOException {
    if (isClosed()) {
      throw new IOException(this + " is closed");
    }
  }

  @Override
  public String toString() {
    return "Connection[pipe " + pipe.name() + ", " + (index == 0 ? "first" : "second") + " end]";
  }

  @Serial
  private Object writeReplace() {
    pipe.markSent(index);
    return new PipeHandle(pipe.name(), index);
  }

  @Serial
  private void readObject(ObjectInputStream stream) throws InvalidObjectException {
    throw new InvalidObjectException("pipe ends travel as handles");
  }
}
