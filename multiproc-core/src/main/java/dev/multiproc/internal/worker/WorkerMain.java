package dev.multiproc.internal.worker;

import dev.multiproc.codec.Codec;
import dev.multiproc.internal.codec.RemoteFailures;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.FrameTooLargeException;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskResult;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * Overview: the entry point of every child JVM Multiproc starts.
 *
 * Start-up is on the critical path of every cold ChildProcess.start(), so this class loads as
 * little as it can: no logging, no executors, no reflection beyond the codec's constructor.
 *
 *   1. read the 32-byte secret from stdin (never from the command line, which others can read)
 *   2. connect to the parent's Unix-domain socket and send HELLO(worker id, secret, pid)
 *   3. arm PR_SET_PDEATHSIG and signal reporting in the background (off the critical path)
 *   4. serve: RUN_TASK runs on the task thread; CANCEL interrupts it; SHUTDOWN exits;
 *      EOF on the channel means the parent is gone: halt (the kernel closes the parent's end of
 *      the socket however it died, so this is the parent-death watchdog; PDEATHSIG backs it up
 *      for a parent whose socket outlives it in a forked grandchild).
 *
 * Exiting fast: HotSpot's VM_Exit waits up to 300 ms for threads that are inside native code
 * (wait_for_threads_in_native_to_block), and our main thread sits in a blocking socket read.
 * The shutdown hook therefore closes the channel, which wakes the reader out of native code, so
 * an exiting worker takes milliseconds, not 300 ms. For the same reason no thread here blocks on
 * stdin after the secret is read.
 *
 * Exit statuses: 0 after a one-shot task succeeded, 1 after it threw (Python's convention),
 * the code given by SHUTDOWN, 128+N after signal N (reported first with SIGNALLED), or whatever
 * user code passed to System.exit (reported with EXITING).
 */
/** Entry point of a Multiproc child JVM; not for direct use. */
public final class WorkerMain {
  private static final int EXIT_TASK_FAILED = 1;
  private static final int EXIT_PROTOCOL_ERROR = 71;
  /** Exit status of a worker whose parent vanished; nobody observes it but the kernel. */
  private static final int EXIT_PARENT_GONE = 70;

  private final FrameChannel channel;
  private final ValueEncoding encoding;
  private final AtomicBoolean outcomeSent = new AtomicBoolean();
  private volatile boolean exiting;
  private volatile Thread taskThread;
  private volatile long runningTaskId = -1;

  private WorkerMain(FrameChannel channel, ValueEncoding encoding) {
    this.channel = channel;
    this.encoding = encoding;
  }

  /**
   * Runs the worker.
   *
   * @param args socket path, worker id, parent pid, codec class name, max frame bytes
   * @throws Exception if start-up fails (the parent sees the exit and reports it)
   */
  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    String workerId = args[1];
    long parentPid = Long.parseLong(args[2]);
    String codecClass = args[3];
    int maxFrameBytes = Integer.parseInt(args[4]);

    InputStream stdin = new FileInputStream(FileDescriptor.in);
    byte[] secret = stdin.readNBytes(FrameDescriptor.SECRET_BYTES);
    if (secret.length != FrameDescriptor.SECRET_BYTES) {
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }

    SocketChannel socketChannel = SocketChannel.open(StandardProtocolFamily.UNIX);
    socketChannel.connect(UnixDomainSocketAddress.of(socket));
    FrameChannel channel = new FrameChannel(socketChannel, maxFrameBytes);
    channel.send(new Hello(workerId, secret, ProcessHandle.current().pid()));

    Codec codec = (Codec) Class.forName(codecClass).getConstructor().newInstance();
    WorkerMain worker = new WorkerMain(channel, new ValueEncoding(codec));
    // Synchronously: a task may call System.exit at once, and the parent must hear EXITING.
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("multiproc-exit-report")
                .unstarted(worker::onShutdown));
    Thread.ofPlatform()
        .daemon()
        .name("multiproc-worker-setup")
        .start(() -> worker.armSafetyNets(parentPid));
    worker.serve();
  }

  private void onShutdown() {
    exiting = true;
    report(new Exiting());
    try {
      channel.close(); // wakes the reader out of native code; see the overview
    } catch (IOException e) {
      // already closed
    }
  }

  private void armSafetyNets(long parentPid) {
    if (!ParentDeathSignal.arm(parentPid)) {
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }
    TerminationSignals.install(signal -> report(new Signalled(signal)));
  }

  /** Sends a last word unless the task's outcome already went out; never blocks exit on failure. */
  private void report(Message lastWord) {
    if (!outcomeSent.get()) {
      try {
        channel.send(lastWord);
      } catch (IOException | RuntimeException e) {
        // The parent is gone or the channel is broken: nothing to tell.
      }
    }
  }

  private void serve() {
    try {
      while (true) {
        Message message = channel.receive();
        switch (message) {
          case RunTask run -> startTask(run);
          case Cancel cancel -> cancel(cancel.taskId());
          case Shutdown shutdown -> exit(shutdown.exitCode());
          case Heartbeat heartbeat -> channel.send(heartbeat);
          default -> throw new IOException("unexpected message from parent: " + message);
        }
      }
    } catch (EOFException e) {
      if (!exiting) {
        // The parent closed our channel: it is gone or done with us.
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
      }
    } catch (IOException | RuntimeException e) {
      if (exiting) {
        return; // our shutdown hook closed the channel
      }
      System.err.println("multiproc worker: protocol failure, exiting: " + e);
      Runtime.getRuntime().halt(EXIT_PROTOCOL_ERROR);
    }
  }

  private void startTask(RunTask run) {
    Thread thread =
        Thread.ofPlatform()
            .name("multiproc-task-" + run.taskId())
            .unstarted(() -> runTask(run));
    taskThread = thread;
    runningTaskId = run.taskId();
    thread.start();
  }

  private void cancel(long taskId) {
    Thread thread = taskThread;
    if (thread != null && runningTaskId == taskId) {
      thread.interrupt();
    }
  }

  private void runTask(RunTask run) {
    Message outcome;
    boolean failed = false;
    try {
      Callable<?> task = (Callable<?>) encoding.decode(run.payload());
      Object value = task.call();
      outcome = new TaskResult(run.taskId(), encoding.encode(value));
    } catch (Throwable t) {
      failed = true;
      outcome = RemoteFailures.describe(run.taskId(), t, encoding);
    }
    send(outcome, run);
    if (run.exitAfter()) {
      exit(failed ? EXIT_TASK_FAILED : 0);
    }
  }

  private void send(Message outcome, RunTask run) {
    try {
      if (run.exitAfter()) {
        outcomeSent.set(true);
      }
      try {
        channel.send(outcome);
      } catch (FrameTooLargeException e) {
        // The result is too big for one frame: tell the parent why instead of losing it silently.
        channel.send(RemoteFailures.describe(run.taskId(), e, encoding));
      }
    } catch (IOException e) {
      if (!exiting) {
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
      }
    }
  }

  private static void exit(int status) {
    System.out.flush();
    System.err.flush();
    System.exit(status);
  }
}
