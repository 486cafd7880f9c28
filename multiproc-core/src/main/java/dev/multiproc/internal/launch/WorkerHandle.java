package dev.multiproc.internal.launch;

import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.Message;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/*
 * Overview: the parent's end of one live child JVM.
 *
 * A reader virtual thread takes messages off the channel and hands them to the current Listener.
 * The listener can be set after the reader started (a standby worker is warmed up with one
 * listener and handed to a ChildProcess with another); messages that arrive with no listener are
 * kept and replayed, so nothing is dropped.
 *
 * terminated() completes once the process has exited, the channel has ended, and the output
 * pumps have drained (pumps get a short grace period: a grandchild that inherited the pipe must
 * not hold join() hostage).
 */
/** The parent's end of one running child JVM: its process, channel and output pumps. */
public final class WorkerHandle {
  private static final long PUMP_DRAIN_GRACE_MILLIS = 500;

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
  private final FrameChannel channel;
  private final long pid;
  private final List<Thread> pumps;
  private final CompletableFuture<Void> channelEnded = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated;
  private final List<Message> unclaimed = new ArrayList<>();
  private Listener listener;
  private boolean ended;
  private IOException endError;

  WorkerHandle(String workerId, String displayName, Process process, FrameChannel channel, long pid, List<Thread> pumps) {
    this.workerId = workerId;
    this.displayName = displayName;
    this.process = process;
    this.channel = channel;
    this.pid = pid;
    this.pumps = List.copyOf(pumps);
    Thread.ofVirtual().name("multiproc-reader-" + displayName).start(this::readLoop);
    this.terminated =
        process
            .onExit()
            .thenCompose(p -> channelEnded.completeOnTimeout(null, 2, TimeUnit.SECONDS))
            .thenRun(this::drainPumps);
  }

  /** {@return the worker's id, unique within this parent} */
  public String workerId() {
    return workerId;
  }

  /** {@return the name the worker carries on its command line} */
  public String displayName() {
    return displayName;
  }

  /** {@return the child's process id} */
  public long pid() {
    return pid;
  }

  /** {@return the child's process} */
  public Process process() {
    return process;
  }

  /** {@return a future completed when the process exited and its channel and output drained} */
  public CompletableFuture<Void> terminated() {
    return terminated;
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
   * Sends a message to the worker.
   *
   * @param message the message
   * @throws IOException if the channel is broken or the frame is too large
   */
  public void send(Message message) throws IOException {
    channel.send(message);
  }

  /**
   * Sends SIGTERM. Goes through the {@link ProcessHandle} (pid plus start time, so a reused pid is
   * never signalled) rather than {@link Process#destroy()}, which also closes the child's stdin:
   * that would trip the child's parent watchdog and cut its graceful shutdown short.
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
    try {
      while (true) {
        Message message = channel.receive();
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
    try {
      channel.close();
    } catch (IOException e) {
      // already closed
    }
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

  private void drainPumps() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PUMP_DRAIN_GRACE_MILLIS);
    for (Thread pump : pumps) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          pump.join(java.time.Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "worker " + displayName + " (pid " + pid + ")";
  }
}
