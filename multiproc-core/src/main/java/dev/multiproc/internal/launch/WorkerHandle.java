package dev.multiproc.internal.launch;

import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.ProtocolException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/*
 * Overview: the parent's end of one live child JVM.
 *
 * The channel is two pipes. Parent -> child: the child's stdin (only the parent holds its write
 * end, so nothing else can inject a task). Child -> parent: a FIFO in the 0700 runtime
 * directory, created per worker and unlinked as soon as both ends are open. The first frame on
 * the FIFO must be HELLO with this worker's id, its 32-byte secret and its pid; anything else
 * (another local process that opened the FIFO first) fails the launch and kills the child.
 *
 * A platform reader thread opens the FIFO (blocking until the child opens its end: the open is
 * unblocked by us if the child dies first), checks HELLO, then hands each message to the current
 * Listener. The listener can be set after the reader started (a standby worker is warmed up with
 * one listener and handed to a ChildProcess with another); messages that arrive with nobody
 * listening are kept and replayed, so nothing is dropped.
 *
 * release() closes the child's stdin. A child that is exiting has its main thread blocked in a
 * read of stdin, i.e. inside native code, and HotSpot's exit waits up to 300 ms for such
 * threads; EOF on stdin lets it leave at once. So the parent releases a child as soon as it has
 * its last word (the outcome of a one-shot task, EXITING, SIGNALLED).
 *
 * terminated() completes once the process has exited, the channel has ended, and the output
 * pumps have drained (pumps get a short grace period: a grandchild that inherited the pipe must
 * not hold join() hostage).
 */
/** The parent's end of one running child JVM: its process, channel and output pumps. */
public final class WorkerHandle {
  private static final long PUMP_DRAIN_GRACE_MILLIS = 500;
  /** The pipe's own capacity: one read can empty it. */
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  /** Receives what a worker sends. Called on the worker's reader thread, one call at a time. */
  public interface Listener {
    /**
     * A message arrived.
     *
     * @param message the message
     */
    void onMessage(Message message);

    /**
     * The channel ended: cleanly (EOF) or with the given error.
     *
     * @param error null for a clean EOF, otherwise the protocol or I/O failure
     */
    void onChannelEnd(IOException error);
  }

  private final String workerId;
  private final String displayName;
  private final Process process;
  private final FrameChannel down;
  private final Path upFifo;
  private final byte[] secret;
  private final int maxFrameBytes;
  private final List<Thread> pumps;
  private final OutputTail outputTail;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final CompletableFuture<Void> channelEnded = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated;
  private final List<Message> unclaimed = new ArrayList<>();
  private Listener listener;
  private boolean ended;
  private IOException endError;
  private volatile boolean upOpened;

  WorkerHandle(
      String workerId,
      String displayName,
      Process process,
      FrameChannel down,
      Path upFifo,
      byte[] secret,
      int maxFrameBytes,
      List<Thread> pumps,
      OutputTail outputTail) {
    this.outputTail = outputTail;
    this.workerId = workerId;
    this.displayName = displayName;
    this.process = process;
    this.down = down;
    this.upFifo = upFifo;
    this.secret = secret;
    this.maxFrameBytes = maxFrameBytes;
    this.pumps = List.copyOf(pumps);
    Thread.ofPlatform().daemon().name("multiproc-reader-" + displayName).start(this::readLoop);
    process.onExit().thenRunAsync(this::unblockFifoOpen, r -> Thread.ofPlatform().daemon().start(r));
    this.terminated =
        process
            .onExit()
            .thenCompose(p -> channelEnded.completeOnTimeout(null, 2, TimeUnit.SECONDS))
            .thenRun(this::drainPumps);
  }

  /** {@return the child's process id} */
  public long pid() {
    return process.pid();
  }

  /** {@return the last lines the child wrote to stdout and stderr (empty if its output is not pumped)} */
  public String recentOutput() {
    return outputTail.lastLines(10);
  }

  /** {@return the child's process} */
  public Process process() {
    return process;
  }

  /** {@return a future completed when the process exited and its channel and output drained} */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** {@return a future completed when the child has authenticated, failed if it could not} */
  CompletableFuture<Void> connected() {
    return connected;
  }

  /**
   * Sets who receives messages, replaying any that arrived with nobody listening.
   *
   * @param newListener the listener
   */
  public void listen(Listener newListener) {
    List<Message> replay;
    boolean replayEnd;
    IOException error;
    synchronized (this) {
      listener = newListener;
      replay = List.copyOf(unclaimed);
      unclaimed.clear();
      replayEnd = ended;
      error = endError;
    }
    replay.forEach(newListener::onMessage);
    if (replayEnd) {
      newListener.onChannelEnd(error);
    }
  }

  /**
   * Sends a message to the worker (through its stdin).
   *
   * @param message the message
   * @throws IOException if the channel is broken or the frame is too large
   */
  public void send(Message message) throws IOException {
    down.send(message);
  }

  /**
   * Sends several messages to the worker in one write where they fit in the pipe's buffer.
   *
   * @param messages the messages, in order
   * @throws IOException if the channel is broken or a frame is too large (nothing is sent then)
   */
  public void sendAll(List<? extends Message> messages) throws IOException {
    down.sendAll(messages);
  }

  /** Closes the worker's stdin: it has said its last word; see the overview. Idempotent. */
  public void release() {
    try {
      down.closeOutput();
    } catch (IOException e) {
      // already gone
    }
  }

  /**
   * Sends SIGTERM. Goes through the {@link ProcessHandle} (pid plus start time, so a reused pid is
   * never signalled) rather than {@link Process#destroy()}, which also closes the child's pipes.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Sends SIGKILL, leaving the output pipes open so everything the child wrote is still forwarded. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /** {@return whether the process is running} */
  public boolean isAlive() {
    return process.isAlive();
  }

  private void readLoop() {
    IOException error = null;
    FrameChannel up = null;
    try {
      FileInputStream in = new FileInputStream(upFifo.toFile()); // blocks until the child opens
      upOpened = true;
      Files.deleteIfExists(upFifo); // nobody else may open it from now on
      // Buffered: one read takes every frame the child wrote meanwhile (two reads per frame
      // otherwise, length then body - most of the parent's cost per tiny task).
      up = new FrameChannel(new BufferedInputStream(in, READ_BUFFER_BYTES), null, maxFrameBytes);
      verifyHello(up.receive());
      connected.complete(null);
      while (true) {
        Message message = up.receive();
        if (message instanceof Exiting || message instanceof Signalled) {
          release();
        }
        Listener current;
        synchronized (this) {
          current = listener;
          if (current == null) {
            unclaimed.add(message);
          }
        }
        if (current != null) {
          current.onMessage(message);
        }
      }
    } catch (EOFException e) {
      // clean end
    } catch (IOException e) {
      error = e;
    }
    connected.completeExceptionally(error != null ? error : new EOFException("child exited before HELLO"));
    try {
      if (up != null) {
        up.close();
      }
      Files.deleteIfExists(upFifo);
    } catch (IOException e) {
      // already closed
    }
    release();
    Listener current;
    synchronized (this) {
      ended = true;
      endError = error;
      current = listener;
    }
    if (current != null) {
      current.onChannelEnd(error);
    }
    channelEnded.complete(null);
    if (error != null && process.isAlive()) {
      // A child that broke the protocol cannot be trusted with more work.
      process.destroyForcibly();
    }
  }

  private void verifyHello(Message first) throws ProtocolException {
    if (!(first instanceof Hello hello)
        || !hello.workerId().equals(workerId)
        || hello.secret().length != FrameDescriptor.SECRET_BYTES
        || !MessageDigest.isEqual(hello.secret(), secret)
        || hello.pid() != process.pid()) {
      throw new ProtocolException(
          "handshake failed on " + upFifo.getFileName() + ": the first frame was not this worker's HELLO"
              + " (another local process wrote to its channel?)");
    }
  }

  /** If the child died before opening its end, our blocking open would wait forever: open it ourselves. */
  private void unblockFifoOpen() {
    if (!upOpened && Files.exists(upFifo)) {
      try {
        new FileOutputStream(upFifo.toFile()).close(); // opening is enough; closing gives the reader EOF
      } catch (IOException e) {
        // the reader got there first
      }
    }
  }

  private void drainPumps() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PUMP_DRAIN_GRACE_MILLIS);
    for (Thread pump : pumps) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          pump.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "worker " + displayName + " (pid " + process.pid() + ")";
  }
}
