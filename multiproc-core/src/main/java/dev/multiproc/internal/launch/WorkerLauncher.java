package dev.multiproc.internal.launch;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.protocol.FrameDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts a child JVM and waits until it has connected back and authenticated.
 *
 * <p>Order matters: register the expected worker with the {@link ChannelListener}, spawn the
 * process (on the {@link ProcessSpawner} thread), write the secret to its stdin and keep stdin open
 * (its EOF is the child's signal that we died), then wait for HELLO, the process's death, or the
 * start timeout, whichever comes first. On any failure the process is killed: no half-started
 * child survives a failed launch.
 */
public final class WorkerLauncher {
  private static final AtomicLong WORKER_IDS = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private WorkerLauncher() {}

  /**
   * Launches a worker.
   *
   * @param spec how to start it
   * @param displayName its name on the command line
   * @return the connected worker
   * @throws MultiprocException if it cannot be started or does not connect in time
   */
  public static WorkerHandle launch(LaunchSpec spec, String displayName) {
    return launch(spec, displayName, AotCache.options(spec), false);
  }

  static WorkerHandle launch(LaunchSpec spec, String displayName, List<String> extraOptions, boolean discardOutput) {
    String workerId = "w" + WORKER_IDS.incrementAndGet();
    byte[] secret = new byte[FrameDescriptor.SECRET_BYTES];
    RANDOM.nextBytes(secret);
    CompletableFuture<ChannelListener.Connection> connected =
        ChannelListener.instance().expect(workerId, secret, spec.maxFrameBytes());

    ProcessBuilder builder = new ProcessBuilder(JvmCommandLine.build(spec, workerId, displayName, extraOptions));
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
      connected.cancel(false);
      throw new MultiprocException("cannot start a child JVM (" + JvmCommandLine.javaBinary() + "): " + e.getMessage(), e);
    }
    ChildRegistry.add(process);
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.write(secret);
      stdin.flush(); // and never close: EOF on the child's stdin means "parent gone"
      List<Thread> pumps = new ArrayList<>(2);
      if (pumped) {
        pumps.add(OutputPump.start("multiproc-stdout-" + displayName, process.getInputStream(), () -> System.out));
        pumps.add(OutputPump.start("multiproc-stderr-" + displayName, process.getErrorStream(), () -> System.err));
      }
      process.onExit().thenRun(() -> connected.completeExceptionally(new IllegalStateException("exited")));
      ChannelListener.Connection connection =
          connected.get(spec.startTimeout().toNanos(), TimeUnit.NANOSECONDS);
      return new WorkerHandle(workerId, displayName, process, connection.channel(), connection.pid(), pumps);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new MultiprocException(
          "child JVM " + displayName + " (pid " + process.pid() + ") did not connect within "
              + spec.startTimeout() + "; raise startTimeout or check its stderr", e);
    } catch (ExecutionException | IOException e) {
      process.destroyForcibly();
      int status = waitBriefly(process);
      throw new MultiprocException(
          "child JVM " + displayName + " exited with status " + status
              + " before connecting; its stderr above says why (bad JVM option? missing class path entry?)", e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new MultiprocException("interrupted while starting " + displayName, e);
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
}
