package dev.multiproc.internal.launch;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts a child JVM and waits until it has authenticated.
 *
 * <p>Order matters: create the worker's FIFO, spawn the process (on the {@link ProcessSpawner}
 * thread), write the secret to its stdin — and, if given, its first message, so the child can
 * decode its task while the handshake is still in flight — then wait for HELLO on the FIFO, the
 * process's death, or the start timeout, whichever comes first. On any failure the process is
 * killed: no half-started child survives a failed launch. Stdin stays open: its EOF tells the
 * child that the parent is gone.
 */
public final class WorkerLauncher {
  private static final AtomicLong WORKER_IDS = new AtomicLong();

  private WorkerLauncher() {}

  /**
   * Launches a worker.
   *
   * @param spec how to start it
   * @param displayName its name on the command line
   * @param first a message to queue on its stdin before the handshake completes, or null
   * @return the connected worker
   * @throws MultiprocException if it cannot be started or does not connect in time
   */
  public static WorkerHandle launch(LaunchSpec spec, String displayName, Message first) {
    byte[] sample = first instanceof dev.multiproc.internal.protocol.Message.RunTask run ? run.payload() : null;
    return launch(spec, displayName, AotCache.options(spec, sample), false, first);
  }

  static WorkerHandle launch(
      LaunchSpec spec, String displayName, List<String> extraOptions, boolean discardOutput, Message first) {
    String workerId = "w" + WORKER_IDS.incrementAndGet();
    byte[] secret = new byte[FrameDescriptor.SECRET_BYTES];
    KernelRandom.fill(secret);
    Path upFifo = RuntimeDirectory.get().resolve(workerId + ".up");
    try {
      Fifo.create(upFifo);
    } catch (IOException e) {
      throw new MultiprocException("cannot create the channel for " + displayName + ": " + e.getMessage(), e);
    }

    ProcessBuilder builder = new ProcessBuilder(JvmCommandLine.build(spec, upFifo, workerId, displayName, extraOptions));
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    boolean pumped = !spec.inheritIO() && !discardOutput;
    if (discardOutput) {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
    } else if (spec.inheritIO()) {
      builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    Process process;
    try {
      process = ProcessSpawner.spawn(builder);
    } catch (IOException e) {
      deleteQuietly(upFifo);
      throw new MultiprocException("cannot start a child JVM (" + JvmCommandLine.javaBinary() + "): " + e.getMessage(), e);
    }
    ChildRegistry.add(process);
    List<Thread> pumps = new ArrayList<>(2);
    OutputTail outputTail = new OutputTail();
    if (pumped) {
      // One tail for both streams: HotSpot writes some last words (ExitOnOutOfMemoryError's) to stdout.
      pumps.add(OutputPump.start("multiproc-stdout-" + displayName, process.getInputStream(), () -> System.out, outputTail));
      pumps.add(OutputPump.start("multiproc-stderr-" + displayName, process.getErrorStream(), () -> System.err, outputTail));
    }
    OutputStream stdin = process.getOutputStream();
    FrameChannel down = new FrameChannel(null, stdin, spec.maxFrameBytes());
    WorkerHandle handle = new WorkerHandle(workerId, displayName, process, down, upFifo, secret, spec.maxFrameBytes(), pumps, outputTail);
    try {
      stdin.write(secret);
      if (first != null) {
        down.send(first); // flushes the secret too
      } else {
        stdin.flush();
      }
      handle.connected().get(spec.startTimeout().toNanos(), TimeUnit.NANOSECONDS);
      return handle;
    } catch (TimeoutException e) {
      handle.kill();
      throw new MultiprocException(
          "child JVM " + displayName + " (pid " + process.pid() + ") did not connect within "
              + spec.startTimeout() + "; raise startTimeout or check its stderr", e);
    } catch (ExecutionException | IOException e) {
      handle.kill();
      int status = waitBriefly(process);
      // A failed handshake also closes the child's stdin; report the handshake, not the write.
      Throwable reason = e instanceof ExecutionException ? e.getCause() : handshakeFailure(handle).orElse(e);
      String cause = String.valueOf(reason.getMessage());
      throw new MultiprocException(
          "child JVM " + displayName + " failed before connecting (exit status " + status + ", " + cause
              + "); its stderr above says why (bad JVM option? missing class path entry?)", e);
    } catch (InterruptedException e) {
      handle.kill();
      Thread.currentThread().interrupt();
      throw new MultiprocException("interrupted while starting " + displayName, e);
    }
  }

  private static java.util.Optional<Throwable> handshakeFailure(WorkerHandle handle) {
    try {
      handle.connected().get(2, TimeUnit.SECONDS);
      return java.util.Optional.empty();
    } catch (ExecutionException e) {
      return java.util.Optional.of(e.getCause());
    } catch (TimeoutException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  private static int waitBriefly(Process process) {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // the runtime directory is removed at exit anyway
    }
  }
}
