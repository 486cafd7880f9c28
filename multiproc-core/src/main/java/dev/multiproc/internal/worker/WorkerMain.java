package dev.multiproc.internal.worker;

import dev.multiproc.codec.Codec;
import dev.multiproc.internal.codec.RemoteFailures;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.FrameTooLargeException;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.DumpThreads;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskResult;
import dev.multiproc.internal.protocol.Message.ThreadDump;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/*
 * Overview: the entry point of every child JVM Multiproc starts.
 *
 * Start-up is on the critical path of every cold ChildProcess.start(), so this class loads as
 * little as it can: no logging, no executors, no reflection beyond the codec's constructor.
 *
 * The channel: frames arrive on stdin (only the parent holds its other end) and leave through
 * the FIFO named on our command line, opened read-write so the open never blocks. Both are plain
 * file streams, which every JVM initializes before main; a first NIO socket would cost ~20 ms.
 *
 *   1. read the 32-byte secret from stdin (never from the command line, which others can read)
 *   2. open the FIFO and send HELLO(worker id, secret, pid)
 *   3. arm PR_SET_PDEATHSIG and signal reporting in the background (off the critical path)
 *   4. serve stdin: RUN_TASK runs on a task thread (the parent may queue it before our HELLO,
 *      so decoding overlaps the handshake); CANCEL interrupts it; SHUTDOWN exits. EOF on stdin
 *      means the parent is gone: halt. The kernel closes the parent's end however it died, so
 *      this is the parent-death watchdog; PDEATHSIG backs it up.
 *
 * Exiting fast: HotSpot's VM_Exit waits up to 300 ms for threads inside native code
 * (wait_for_threads_in_native_to_block), and our main thread sits in a blocking read of stdin.
 * The parent closes our stdin as soon as it has our last word (the one-shot outcome, EXITING,
 * SIGNALLED), and that EOF, arriving while we are exiting, just ends the read loop.
 *
 * Exit statuses: 0 after a one-shot task succeeded (by ending main normally when no other user
 * thread is alive, else System.exit), 1 after it threw (Python's convention), 70 when the parent
 * is gone, 71 on a protocol error, 72 after a task's VirtualMachineError, 73 on a fault of the
 * worker's own code outside any task,
 * the code given by SHUTDOWN, 128+N after signal N (reported first with SIGNALLED), or whatever
 * user code passed to System.exit (reported with EXITING).
 */
/** Entry point of a Multiproc child JVM; not for direct use. */
public final class WorkerMain {
  private static final int EXIT_TASK_FAILED = 1;
  private static final int EXIT_PROTOCOL_ERROR = 71;
  /** A task threw a VirtualMachineError: the worker's JVM is no longer trusted (the pool re-queues what it held). */
  public static final int EXIT_VM_ERROR = 72;
  private static final int MAX_DUMP_CHARS = 256 * 1024;
  /** Exit status of a worker whose parent vanished; nobody observes it but the kernel. */
  private static final int EXIT_PARENT_GONE = 70;
  /** A fault in the worker's own code, outside any task (see runOnReaderThread). */
  private static final int EXIT_INTERNAL_ERROR = 73;

  private final FrameChannel channel;
  private final ValueEncoding encoding;
  /**
   * For pool tasks: lambdas rebuilt as real lambda classes (generated once per lambda, then reused),
   * which the JIT can inline - a map chunk calls its function thousands of times. One-shot tasks
   * use {@link #encoding}, whose direct lambdas skip the class generation a cold JVM pays for.
   */
  private final ValueEncoding poolEncoding;
  private final AtomicBoolean outcomeSent = new AtomicBoolean();
  private volatile boolean exiting;
  private final ConcurrentHashMap<Long, Thread> running = new ConcurrentHashMap<>();
  /** At most `concurrency` pool tasks run at once; the parent may send one more (prefetch). */
  private final Semaphore slots;
  private final int concurrency;
  /*
   * Leader/follower for one-at-a-time pool workers: whichever thread holds readToken reads stdin.
   * A thread that reads a pool task passes the token to the other thread and runs the task
   * itself, so no hand-off sits between reading a task and running it; the other thread keeps
   * reading (cancels, thread-dump requests, the prefetched next task) meanwhile.
   */
  private final Semaphore readToken = new Semaphore(1);
  private final ConcurrentHashMap<Long, RunTask> waitingForSlot = new ConcurrentHashMap<>();
  /** Guards {@link #runnerBusy} and {@link #queued}. */
  private final Object runLock = new Object();
  /** A thread is running one-at-a-time pool tasks; it takes {@link #queued} ones after its own. */
  private boolean runnerBusy;
  private final java.util.ArrayDeque<RunTask> queued = new java.util.ArrayDeque<>();
  private final Object cancelLock = new Object();
  /** Threads blocked waiting for readToken: there must always be one while a task runs. */
  private final java.util.concurrent.atomic.AtomicInteger idleReaders = new java.util.concurrent.atomic.AtomicInteger();

  private WorkerMain(FrameChannel channel, ValueEncoding encoding, int concurrency) {
    this.channel = channel;
    this.encoding = encoding;
    this.poolEncoding = new ValueEncoding(encoding.codec());
    this.slots = new Semaphore(concurrency);
    this.concurrency = concurrency;
  }

  /**
   * Runs the worker.
   *
   * @param args FIFO path, worker id, parent pid, codec class name, max frame bytes, concurrency
   * @throws Exception if start-up fails (the parent sees the exit and reports it)
   */
  public static void main(String[] args) throws Exception {
    String upFifo = args[0];
    String workerId = args[1];
    long parentPid = Long.parseLong(args[2]);
    Thread deathSignal = new Thread(() -> armParentDeathSignal(parentPid), "multiproc-parent-death-signal");
    deathSignal.setDaemon(true);
    deathSignal.start();
    String codecClass = args[3];
    int maxFrameBytes = Integer.parseInt(args[4]);
    int concurrency = args.length > 5 ? Integer.parseInt(args[5]) : 1;

    InputStream stdin = new FileInputStream(FileDescriptor.in);
    byte[] secret = stdin.readNBytes(FrameDescriptor.SECRET_BYTES);
    if (secret.length != FrameDescriptor.SECRET_BYTES) {
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }

    // Read-write: a FIFO opened for writing alone blocks until a reader appears, and a parent
    // that died meanwhile would never appear. Parent death is seen on stdin instead.
    RandomAccessFile fifo = new RandomAccessFile(upFifo, "rw");
    // Buffered stdin (a class every JVM has loaded for System.in): one read takes every frame the
    // parent sent meanwhile, where an unbuffered stream costs two reads per frame. Only the thread
    // holding readToken reads, so the buffer is never shared by two readers at once.
    // The output is buffered too, for results sent later in one write (see sendResult); every
    // other send flushes at once.
    FrameChannel channel =
        new FrameChannel(
            new BufferedInputStream(stdin, 64 * 1024),
            new BufferedOutputStream(new FileOutputStream(fifo.getFD()), 64 * 1024),
            maxFrameBytes);
    channel.send(new Hello(workerId, secret, ProcessHandle.current().pid()));
    Codec codec = (Codec) Class.forName(codecClass).getConstructor().newInstance();
    WorkerMain worker = new WorkerMain(channel, ValueEncoding.forTasksFromParent(codec), concurrency);
    // Synchronously: a task may call System.exit at once, and the parent must hear EXITING.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.exiting = true;
                  worker.report(new Exiting());
                },
                "multiproc-exit-report"));
    // Thread constructors rather than Thread.ofPlatform(): the builder classes are not loaded yet.
    Thread signals =
        new Thread(() -> TerminationSignals.install(signal -> worker.report(new Signalled(signal))), "multiproc-worker-signals");
    signals.setDaemon(true);
    signals.start();
    worker.serve();
  }

  /**
   * Arms the parent-death signal, in the background: nothing waits for it (EOF on stdin already
   * tells us the parent died), and its first native call costs a cold JVM ~60 ms. Where the
   * parent started us through {@code setpriv --pdeathsig} (see {@code DeathSignalPrefix}) it is
   * armed already, and only the parent's pid is checked: a parent that died before it was armed
   * left us re-parented.
   */
  private static void armParentDeathSignal(long parentPid) {
    if ("armed".equals(System.getProperty("multiproc.pdeathsig"))) {
      if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != parentPid) {
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
      }
      return;
    }
    ParentDeathSignal.Outcome outcome = ParentDeathSignal.arm(parentPid);
    if (outcome == ParentDeathSignal.Outcome.PARENT_GONE) {
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    }
    if (outcome != ParentDeathSignal.Outcome.ARMED) {
      return; // nothing to keep alive: the stdin watchdog alone
    }
    // Linux keeps the signal per thread (a task), and sends it to us while any thread that armed
    // it lives: this thread must last as long as the process, so it parks instead of ending. (It
    // used to end here, which disarmed the signal at once; a SIGSTOPped worker then outlived its
    // parent - see ParentDeathTest.)
    while (true) {
      LockSupport.park();
    }
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
    serve(false);
  }

  /** The read loop; {@code counted}: this thread was already counted in {@link #idleReaders}. */
  private void serve(boolean counted) {
    try {
      while (true) {
        if (!counted) {
          idleReaders.incrementAndGet();
        }
        counted = false;
        readToken.acquireUninterruptibly();
        idleReaders.decrementAndGet();
        Message message = channel.receive();
        // An if-chain, not a type switch: see MessageCodec.encode (start-up cost).
        if (message instanceof RunTask run && !run.exitAfter() && concurrency == 1) {
          runOnReaderThread(run); // releases the token
          continue;
        }
        try {
          if (message instanceof RunTask run) {
            startTask(run);
          } else if (message instanceof Cancel cancel) {
            cancel(cancel.taskId());
          } else if (message instanceof Shutdown shutdown) {
            exit(shutdown.exitCode());
          } else if (message instanceof Heartbeat heartbeat) {
            channel.send(heartbeat);
          } else if (message instanceof DumpThreads dump) {
            channel.send(new ThreadDump(dump.taskId(), threadDump(dump.taskId())));
          } else {
            throw new IOException("unexpected message from parent: " + message);
          }
        } finally {
          readToken.release();
        }
      }
    } catch (EOFException e) {
      if (!exiting && !outcomeSent.get()) {
        // Nobody writes to our stdin any more: the parent is gone.
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
      }
      // Otherwise the parent released us while we exit: stop reading, and let any other reader
      // (waiting for the token) see the EOF too, so main returns and the JVM can end.
      readToken.release();
    } catch (IOException | RuntimeException e) {
      if (exiting) {
        readToken.release();
        return;
      }
      System.err.println("multiproc worker: protocol failure, exiting: " + e);
      Runtime.getRuntime().halt(EXIT_PROTOCOL_ERROR);
    }
  }

  /**
   * A one-shot task gets a platform thread (the process exists for it); a pool task gets a
   * virtual thread, so a worker can run many I/O-bound tasks at once and a thread per task costs
   * microseconds.
   */
  private void startTask(RunTask run) {
    String name = "multiproc-task-" + run.taskId();
    Thread thread =
        run.exitAfter()
            ? new Thread(() -> runTask(run), name)
            : Thread.ofVirtual().name(name).unstarted(() -> runPoolTask(run));
    running.put(run.taskId(), thread);
    thread.start();
  }

  /**
   * Runs a one-at-a-time pool task on the thread that read it; see {@link #readToken}. A task read
   * while another runs is queued, and the running thread takes it next without a hand-off: with
   * tiny tasks prefetched in batches, a thread waiting per queued task cost a wake-up each.
   */
  private void runOnReaderThread(RunTask run) {
    waitingForSlot.put(run.taskId(), run);
    synchronized (runLock) {
      if (runnerBusy) {
        queued.add(run);
        readToken.release(); // this thread reads on
        return;
      }
      runnerBusy = true;
    }
    if (idleReaders.get() == 0) {
      // Nobody else would read stdin while this thread runs: add a reader. Tasks read meanwhile
      // are queued for this thread, so two such threads are all there ever are.
      Thread reader = new Thread(() -> serve(true), "multiproc-task-runner");
      reader.setDaemon(true);
      idleReaders.incrementAndGet(); // counted before it starts, so no second one is spawned
      reader.start();
      readToken.release();
    } else {
      readToken.release(); // an idle thread reads on while this one runs the task
    }
    RunTask next = run;
    try {
      while (next != null) {
        runIfNotCancelled(next);
        synchronized (runLock) {
          next = queued.poll();
          if (next == null) {
            runnerBusy = false;
          }
        }
      }
    } catch (Throwable t) {
      // Not a task's failure (runTask answers those): a fault in the worker itself. Ending the
      // thread here would leave runnerBusy set and every task queued behind it waiting forever;
      // dying instead lets the parent fail what can have started and run the rest elsewhere.
      System.err.println("multiproc worker: internal error outside a task: " + t);
      t.printStackTrace();
      Runtime.getRuntime().halt(EXIT_INTERNAL_ERROR);
    }
    flushResults(); // a result held for the next task, which was cancelled before it started
  }

  private void runIfNotCancelled(RunTask run) {
    synchronized (cancelLock) {
      if (waitingForSlot.remove(run.taskId()) == null) {
        return; // cancelled while waiting; the canceller answered for it
      }
      running.put(run.taskId(), Thread.currentThread());
      Thread.interrupted(); // an interrupt meant for a previous task
    }
    runTask(run);
  }

  /** Whether the running thread has another task queued to run right after this one. */
  private boolean moreQueued() {
    synchronized (runLock) {
      return !queued.isEmpty();
    }
  }

  /*
   * Results of queued-up tasks (the parent queues many only while they are tiny) leave in
   * batches: while the next task is queued here, a result is only written into the output buffer,
   * and goes out with the next one that finds the queue empty - one write and one parent wake-up
   * for a batch instead of one each. A queued task may be long, so the flusher thread bounds the
   * wait: what has waited MAX_RESULT_DELAY_NANOS goes out then. (Sending a map chunk's result at
   * once instead, not held behind the next chunk, measured slower: more writes and wake-ups.)
   */
  private static final long MAX_RESULT_DELAY_NANOS = 200_000;

  /**
   * At most this many results are held back at once. It bounds what a crash leaves unknown: when a
   * one-at-a-time worker dies, of the tasks it was sent, only the first MAX_HELD_RESULTS + 1 still
   * unanswered (in the order sent, which is the order it runs them) can have started - finished
   * with their results held, or running; the parent runs the rest elsewhere (see PoolWorker).
   * 64 is the parent's refill of tiny tasks: a smaller bound split each refill's results into
   * several writes and cost ~20 % of tiny-task throughput (applyAsync of 50,000: ~128 -> ~155 ms).
   */
  public static final int MAX_HELD_RESULTS = 64;

  private volatile Thread flusher;

  private void sendResult(Message outcome) throws IOException {
    if (concurrency == 1 && outcome instanceof TaskResult && moreQueued()) {
      if (channel.sendLater(outcome, MAX_HELD_RESULTS)) {
        wakeFlusher();
      }
    } else {
      channel.send(outcome);
    }
  }

  private void wakeFlusher() {
    Thread thread = flusher;
    if (thread == null) {
      synchronized (runLock) {
        thread = flusher;
        if (thread == null) {
          thread = new Thread(this::flushLoop, "multiproc-result-flusher");
          thread.setDaemon(true);
          flusher = thread;
          thread.start();
          return;
        }
      }
    }
    LockSupport.unpark(thread);
  }

  private void flushLoop() {
    while (true) {
      if (!channel.hasUnflushed()) {
        LockSupport.park(); // until a result is held back again
        continue;
      }
      LockSupport.parkNanos(MAX_RESULT_DELAY_NANOS);
      try {
        channel.flushIfOlderThan(MAX_RESULT_DELAY_NANOS);
      } catch (IOException e) {
        if (!exiting) {
          Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }
        return;
      }
    }
  }

  private void flushResults() {
    try {
      channel.flush();
    } catch (IOException e) {
      if (!exiting) {
        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
      }
    }
  }

  /** The stuck task's stack first (a virtual thread, which getAllStackTraces omits), then every platform thread. */
  private String threadDump(long taskId) {
    StringBuilder text = new StringBuilder();
    Thread task = running.get(taskId);
    if (task != null) {
      appendThread(text, task, task.getStackTrace());
    }
    Thread.getAllStackTraces().forEach((thread, stack) -> appendThread(text, thread, stack));
    return text.length() > MAX_DUMP_CHARS ? text.substring(0, MAX_DUMP_CHARS) + "\n..." : text.toString();
  }

  private static void appendThread(StringBuilder text, Thread thread, StackTraceElement[] stack) {
    text.append('"').append(thread.getName()).append('"')
        .append(thread.isVirtual() ? " virtual" : "")
        .append(thread.isDaemon() ? " daemon" : "")
        .append(' ').append(thread.getState()).append('\n');
    for (StackTraceElement frame : stack) {
      text.append("\tat ").append(frame).append('\n');
    }
    text.append('\n');
  }

  private void cancel(long taskId) {
    synchronized (cancelLock) {
      RunTask waiting = waitingForSlot.remove(taskId);
      if (waiting != null) {
        reportCancelledBeforeStart(waiting);
        return;
      }
      Thread thread = running.get(taskId);
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  private void reportCancelledBeforeStart(RunTask run) {
    send(RemoteFailures.describe(run.taskId(), new java.util.concurrent.CancellationException("cancelled before it started"), encoding), run);
  }

  private void runPoolTask(RunTask run) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      // cancelled while queued behind a running task
      running.remove(run.taskId());
      reportCancelledBeforeStart(run);
      return;
    }
    try {
      runTask(run);
    } finally {
      slots.release();
    }
  }

  private void runTask(RunTask run) {
    Message outcome;
    boolean failed = false;
    Throwable vmError = null;
    try {
      Callable<?> task = (run.exitAfter() ? encoding : poolEncoding).decodeTask(run.payload());
      Object value = task.call();
      outcome = new TaskResult(run.taskId(), encoding.encode(value));
    } catch (Throwable t) {
      failed = true;
      vmError = t instanceof VirtualMachineError ? t : null;
      outcome = RemoteFailures.describe(run.taskId(), t, encoding);
    }
    running.remove(run.taskId());
    send(outcome, run);
    if (vmError != null) {
      // After an OutOfMemoryError (or StackOverflowError, InternalError) this JVM may be
      // inconsistent - a static initializer half run, a lock never released: its task failed with
      // the error as cause, and the worker retires so the pool replaces it with a fresh one.
      System.err.println("multiproc worker: retiring after " + vmError);
      exit(EXIT_VM_ERROR);
    }
    if (run.exitAfter()) {
      if (failed || otherLiveUserThreads()) {
        exit(failed ? EXIT_TASK_FAILED : 0);
      }
      // Success and nothing else running: let this thread end. The parent closes our stdin on
      // receiving the outcome, main returns, and the JVM shuts down as after any main() -
      // shutdown hooks included, status 0 - without Runtime.exit's System.Logger initialization
      // (~10 ms in a cold JVM, the largest part of a short task's exit).
    }
  }

  /** Whether a non-daemon thread other than main and this one is alive (it would keep the JVM up). */
  private static boolean otherLiveUserThreads() {
    Thread self = Thread.currentThread();
    Thread[] threads = new Thread[Thread.activeCount() + 8];
    int n = Thread.enumerate(threads);
    for (int i = 0; i < n; i++) {
      Thread t = threads[i];
      if (t != self && !t.isDaemon() && t.isAlive() && !t.getName().equals("main")) {
        return true;
      }
    }
    return n >= threads.length; // could not see them all: be safe
  }

  private void send(Message outcome, RunTask run) {
    try {
      if (run.exitAfter()) {
        outcomeSent.set(true);
      }
      try {
        if (run.exitAfter()) {
          channel.send(outcome);
        } else {
          sendResult(outcome);
        }
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
