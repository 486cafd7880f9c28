package dev.multiproc.internal.pool;

import dev.multiproc.MultiprocException;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerCrashedException;
import dev.multiproc.internal.launch.WorkerHandle;
import dev.multiproc.internal.launch.WorkerLauncher;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.worker.WorkerMain;
import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.DumpThreads;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import dev.multiproc.internal.protocol.Message.ThreadDump;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/*
 * Overview: one worker process of a pool, and the virtual thread that feeds it.
 *
 * State machine (only the dispatcher thread moves it forward, except DEAD):
 *
 *   STARTING  -> launch the JVM, run the initializer     (failure: the pool is broken)
 *   IDLE/BUSY -> take tasks while in-flight < concurrency (pull-based: an idle worker takes the
 *                next task from the shared queue, so a long task never holds others back)
 *   RECYCLING -> maxTasksPerChild reached: take no more, let in-flight finish, SHUTDOWN; the pool
 *                started the replacement when recycling began, so capacity never drops to zero
 *   DEAD      -> the process ended (crash, kill, timeout, recycle, pool shutdown); tasks still in
 *                flight fail with WorkerCrashedException (or TaskTimeoutException) and the pool
 *                starts a replacement unless it is shutting down
 */
final class PoolWorker {
  /** Tasks a worker may hold beyond its concurrency, queued in the worker, while tasks are short. */
  private static final int PREFETCH = 4;
  /**
   * Tasks a worker may hold beyond its concurrency while tasks are tiny: refilled in batches of at
   * least half of this, sent in one write and read in one read, where a refill per result cost
   * the parent a dispatcher wake-up and a write, and the worker a read, for every tiny task.
   */
  private static final int TINY_PREFETCH = 128;
  /** Below this average task time, tasks are tiny (see {@link #TINY_PREFETCH}). */
  private static final long TINY_TASK_NANOS = 50_000;
  /** Below this average task time, all {@link #PREFETCH} extra tasks may be in flight; else one. */
  private static final long DEEP_PREFETCH_MAX_TASK_NANOS = 200_000;
  /** Prefetch only while the recent average task (send to result) is shorter than this. */
  private static final long PREFETCH_MAX_TASK_NANOS = 2_000_000;
  /** How long a timed-out task's worker gets to answer the thread-dump request. */
  private static final long DUMP_WAIT_MILLIS = 500;

  enum State {
    STARTING,
    IDLE,
    BUSY,
    RECYCLING,
    DEAD
  }

  private final PoolEngine pool;
  private final String name;
  private final int permits;
  private final Semaphore capacity;
  private final Object gate = new Object();
  private volatile long averageTaskNanos = Long.MAX_VALUE;
  /** When the last result arrived (reader thread only): a task sent before it waited behind it. */
  private long lastResultNanos;
  /** A cancelled task is still in flight here and may get this worker killed: send it nothing new. */
  private volatile boolean cancelling;
  private final ConcurrentHashMap<Long, PendingTask> inFlight = new ConcurrentHashMap<>();
  /** The worker's channel ended at EOF, every frame read: set before onTerminated runs, if ever. */
  private volatile boolean channelEndedCleanly;
  /** Orders writes to the worker's pipe, so sendSequence is the order the worker reads tasks in. */
  private final Object sendLock = new Object();
  private long sendCounter;
  /** The task the pool killed this worker for (its timeout, or a cancel it ignored); null otherwise. */
  private volatile PendingTask killedFor;
  private volatile State state = State.STARTING;
  private volatile WorkerHandle handle;
  private int tasksTaken;
  /** When the worker last said anything (a result, a heartbeat reply...), in nanoTime. */
  private volatile long lastSignOfLife = System.nanoTime();
  private volatile boolean unresponsive;
  private volatile ScheduledFuture<?> heartbeats;
  private long heartbeatSequence;

  PoolWorker(PoolEngine pool, String name) {
    this.pool = pool;
    this.name = name;
    this.permits = pool.concurrency() + TINY_PREFETCH;
    this.capacity = new Semaphore(permits);
  }

  State state() {
    return state;
  }

  String name() {
    return name;
  }

  WorkerHandle handle() {
    return handle;
  }

  void start() {
    Thread.ofVirtual().name("multiproc-dispatch-" + name).start(this::run);
  }

  private void run() {
    try {
      handle = WorkerLauncher.launch(pool.launchSpec(), name, null);
    } catch (RuntimeException e) {
      state = State.DEAD;
      pool.workerFailedToStart(this, e);
      return;
    }
    pool.workerStarted();
    lastSignOfLife = System.nanoTime();
    handle.listen(new Listener());
    handle.terminated().thenRun(this::onTerminated);
    long period = Math.max(1, pool.heartbeatTimeout().toNanos() / 4);
    heartbeats = pool.scheduler().scheduleAtFixedRate(this::checkHeartbeat, period, period, TimeUnit.NANOSECONDS);
    if (!runInitializer()) {
      return;
    }
    dispatch();
  }

  private boolean runInitializer() {
    byte[] initializer = pool.initializerPayload();
    if (initializer == null) {
      return true;
    }
    PendingTask init = new PendingTask(pool.nextTaskId(), initializer, null);
    inFlight.put(init.id, init);
    try {
      handle.send(new RunTask(init.id, false, initializer));
      init.outcome.get();
      return true;
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      pool.initializerFailed(this, cause);
      handle.kill();
      return false;
    }
  }

  private void dispatch() {
    state = State.IDLE;
    try {
      while (state != State.DEAD) {
        capacity.acquire();
        awaitSlotUnlessShortTasks();
        PendingTask task = state == State.DEAD ? null : pool.takeTask(this);
        if (task == null) { // the pool is closing and the queue is empty, or we must stop
          capacity.release();
          break;
        }
        if (task.outcome.isDone()) { // cancelled while queued
          capacity.release();
          continue;
        }
        if (mustNotQueue(task)) {
          // It waits here for a free slot (or another worker takes it meanwhile).
          pool.requeue(task);
          capacity.release();
          synchronized (gate) {
            gate.wait(1);
          }
          continue;
        }
        if (inFlight.size() >= pool.concurrency() + allowedPrefetch()) {
          // A caller sent us a task directly while we waited: with long tasks, leave this one
          // to a worker that is free (pull-based distribution).
          pool.requeue(task);
          capacity.release();
          continue;
        }
        if (!claim(task)) { // died while we were taking it: nobody will fail it here
          break;
        }
        List<PendingTask> batch = new ArrayList<>(2);
        batch.add(task);
        takeMoreWhileSlotsAreFree(batch);
        state = State.BUSY;
        tasksTaken += batch.size();
        if (!sendBatch(batch)) {
          break;
        }
        if (pool.maxTasksPerChild() > 0 && tasksTaken >= pool.maxTasksPerChild()) {
          state = State.RECYCLING;
          pool.recycling(this); // starts the replacement now
          capacity.acquire(permits); // wait for everything in flight
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (handle.isAlive()) {
      try {
        handle.send(new Shutdown(0));
      } catch (IOException e) {
        // already going
      }
      handle.release();
    }
  }

  /** Marks a task as this worker's; false (and the task re-queued) if the worker died meanwhile. */
  private boolean claim(PendingTask task) {
    task.runningOn = this;
    inFlight.put(task.id, task);
    if (state == State.DEAD) {
      inFlight.remove(task.id);
      pool.requeue(task);
      return false;
    }
    return true;
  }

  /**
   * Adds to the batch the tasks already queued that this worker may hold now (never waiting): they
   * leave in one write, and the worker reads them in one read. Not for recycling workers, which
   * count every task they take.
   */
  private void takeMoreWhileSlotsAreFree(List<PendingTask> batch) {
    if (pool.maxTasksPerChild() > 0) {
      return;
    }
    while (!cancelling && inFlight.size() < pool.concurrency() + allowedPrefetch() && capacity.tryAcquire()) {
      PendingTask more = pool.pollTask();
      if (more == null) {
        capacity.release();
        return;
      }
      if (more.outcome.isDone()) { // cancelled while queued
        capacity.release();
        continue;
      }
      if (mustNotQueue(more)) {
        pool.requeue(more);
        capacity.release();
        return;
      }
      if (!claim(more)) {
        capacity.release();
        return;
      }
      batch.add(more);
    }
  }

  /** Sends claimed tasks; false if the channel broke (they went back to the queue). */
  private boolean sendBatch(List<PendingTask> batch) {
    List<RunTask> messages = new ArrayList<>(batch.size());
    long now = System.nanoTime();
    for (PendingTask task : batch) {
      task.sentNanos = now;
      messages.add(new RunTask(task.id, false, task.payload));
    }
    try {
      write(batch, messages);
    } catch (IOException e) {
      // Never delivered: give them to another worker (onTerminated may have run already).
      for (PendingTask task : batch) {
        if (inFlight.remove(task.id) != null) {
          pool.requeue(task);
        }
      }
      return false;
    }
    for (PendingTask task : batch) {
      if (task.timeout != null) {
        pool.scheduler().schedule(() -> onDeadline(task), task.timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    return true;
  }

  /** Writes tasks to the worker in one write, numbering them in the order it will read them. */
  private void write(List<PendingTask> tasks, List<RunTask> messages) throws IOException {
    synchronized (sendLock) {
      for (PendingTask task : tasks) {
        task.sendSequence = ++sendCounter;
      }
      if (messages.size() == 1) {
        handle.send(messages.getFirst());
      } else {
        handle.sendAll(messages);
      }
    }
  }

  /**
   * Whether {@code task} must wait for a free slot rather than queue in this worker: a hard timeout
   * counts from the send, so such a task is never queued behind another one.
   */
  private boolean mustNotQueue(PendingTask task) {
    return task.timeout != null && inFlight.size() >= pool.concurrency();
  }

  /*
   * Prefetch: with short tasks, a worker that gets its next task only after returning the last one
   * idles for a whole round trip per task; one task queued in the worker hides that. With long
   * tasks, a queued task could wait behind a long one while another worker idles, so the worker
   * holds no more than its concurrency: pull-based distribution as described above.
   */
  private void awaitSlotUnlessShortTasks() throws InterruptedException {
    synchronized (gate) {
      while (state != State.DEAD && (cancelling || !mayTakeMore())) {
        gate.wait(10);
      }
    }
  }

  /**
   * Sends a task from the submitting thread, skipping the hand-off to this worker's dispatcher
   * (~30 µs here), when this worker has a free slot right now. Only for pools without
   * maxTasksPerChild (recycling stays the dispatcher's business).
   *
   * @return whether the task was sent; if not, the caller queues it
   */
  boolean trySendDirectly(PendingTask task) {
    State s = state;
    if ((s != State.IDLE && s != State.BUSY)
        || cancelling
        || pool.maxTasksPerChild() > 0
        || inFlight.size() >= pool.concurrency()) {
      return false;
    }
    if (!capacity.tryAcquire()) {
      return false;
    }
    if (state == State.DEAD || inFlight.size() >= pool.concurrency()) {
      capacity.release();
      return false;
    }
    task.runningOn = this;
    inFlight.put(task.id, task);
    if (state == State.DEAD) { // died meanwhile; its sweep of inFlight may have missed this task
      if (inFlight.remove(task.id) != null) {
        task.runningOn = null;
        return false; // the caller queues it for another worker
      }
      return true; // the sweep saw it and failed or retried it
    }
    state = State.BUSY;
    task.sentNanos = System.nanoTime();
    try {
      write(List.of(task), List.of(new RunTask(task.id, false, task.payload)));
    } catch (IOException e) {
      if (inFlight.remove(task.id) != null) {
        capacity.release();
        task.runningOn = null;
        return false; // the caller queues it for another worker
      }
      return true; // onTerminated already failed or retried it
    }
    if (task.timeout != null) {
      pool.scheduler().schedule(() -> onDeadline(task), task.timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /** How many tasks beyond its concurrency this worker may hold now, from recent task times. */
  private int allowedPrefetch() {
    long average = averageTaskNanos;
    return average <= TINY_TASK_NANOS
        ? TINY_PREFETCH
        : average <= DEEP_PREFETCH_MAX_TASK_NANOS ? PREFETCH : average <= PREFETCH_MAX_TASK_NANOS ? 1 : 0;
  }

  /**
   * Whether the dispatcher should take tasks now: while a slot is free, except that with tiny tasks
   * it waits until half of the prefetch has drained, then takes a batch.
   */
  private boolean mayTakeMore() {
    int prefetch = allowedPrefetch();
    int held = inFlight.size();
    return prefetch == TINY_PREFETCH ? held <= pool.concurrency() + TINY_PREFETCH / 2 : held < pool.concurrency() + prefetch;
  }

  /**
   * Hard timeout: ask the worker for a thread dump (its reader thread answers even while the task
   * spins), then kill it - on the answer or after {@link #DUMP_WAIT_MILLIS}, whichever is first.
   * No cooperation from the task is needed.
   */
  private void onDeadline(PendingTask task) {
    if (inFlight.containsKey(task.id) && !task.outcome.isDone()) {
      task.timedOut = true;
      killedFor = task;
      try {
        handle.send(new DumpThreads(task.id));
      } catch (IOException e) {
        handle.kill();
        return;
      }
      pool.scheduler().schedule(handle::kill, DUMP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Cancels a running task: interrupt in the worker, then kill it after the grace period. */
  void cancel(PendingTask task, long graceMillis) {
    if (!inFlight.containsKey(task.id)) {
      return;
    }
    cancelling = true;
    try {
      handle.send(new Cancel(task.id));
    } catch (IOException e) {
      return;
    }
    pool.scheduler()
        .schedule(
            () -> {
              if (inFlight.containsKey(task.id)) {
                killedFor = task;
                handle.kill();
              }
            },
            graceMillis,
            TimeUnit.MILLISECONDS);
    if (!inFlight.containsKey(task.id)) {
      clearCancelling(); // it ended before we marked the worker
    }
  }

  private void clearCancelling() {
    boolean stillCancelling = false;
    for (PendingTask t : inFlight.values()) {
      stillCancelling |= t.outcome.isCancelled();
    }
    cancelling = stillCancelling;
    synchronized (gate) {
      gate.notifyAll();
    }
  }

  /**
   * Supervision: a worker that has said nothing for the heartbeat timeout (stopped, or frozen) is
   * killed, which fails or re-queues its tasks as any death does; otherwise ask for a sign of life.
   */
  private void checkHeartbeat() {
    if (state == State.DEAD) {
      return;
    }
    if (System.nanoTime() - lastSignOfLife > pool.heartbeatTimeout().toNanos()) {
      unresponsive = true;
      handle.kill();
      return;
    }
    try {
      handle.send(new Heartbeat(++heartbeatSequence));
    } catch (IOException e) {
      // The channel is gone: the process exit will follow and be handled there.
    }
  }

  void kill() {
    WorkerHandle h = handle;
    if (h != null) {
      h.kill();
    }
  }

  private void onTerminated() {
    state = State.DEAD;
    ScheduledFuture<?> beating = heartbeats;
    if (beating != null) {
      beating.cancel(false);
    }
    int raw = handle.process().exitValue();
    int exitCode = raw > 128 && raw <= 128 + 64 ? -(raw - 128) : raw;
    // A worker that retired after a VirtualMachineError (see WorkerMain) had answered the failing
    // task; with one task at a time, what else it held was queued, never started: run it elsewhere.
    boolean retiredUnstarted = raw == WorkerMain.EXIT_VM_ERROR && pool.concurrency() == 1;
    // Killed by the pool for one task (its timeout, or a cancel it ignored): a one-at-a-time worker
    // runs tasks in pipe order, so every task written after that one was still waiting in the
    // worker, never started - tiny tasks are queued there for batching. They run elsewhere and
    // count no crash. (Tasks written before it had finished, and their results were flushed before
    // the kill: the thread-dump answer or the cancel's grace period comes after them.)
    PendingTask target = killedFor;
    // Both rules below need every result the worker flushed to have been read: only after a clean
    // end of its channel (not a read error, not the 2 s cap on waiting for that end). Otherwise a
    // task that ran could look unstarted and run again.
    boolean allResultsRead = channelEndedCleanly;
    long startedUpTo = target != null && pool.concurrency() == 1 && allResultsRead ? target.sendSequence : Long.MAX_VALUE;
    if (target == null && pool.concurrency() == 1 && allResultsRead) {
      // Died by itself (or killed from outside): it ran its tasks in the order sent, and held back
      // at most MAX_HELD_RESULTS results, so of the unanswered ones only the first
      // MAX_HELD_RESULTS + 1 can have started; tiny tasks queued in it behind those never did.
      long firstUnanswered = inFlight.values().stream().mapToLong(t -> t.sendSequence).filter(n -> n > 0).min().orElse(0);
      startedUpTo = firstUnanswered + WorkerMain.MAX_HELD_RESULTS;
    }
    for (PendingTask task : inFlight.values()) {
      if (inFlight.remove(task.id) == null) {
        continue; // a failed send already put it back in the queue
      }
      if (retiredUnstarted && !task.outcome.isDone()) {
        pool.requeue(task);
        continue;
      }
      if (!task.outcome.isDone() && (task.sendSequence == 0 || task.sendSequence > startedUpTo)) {
        pool.requeue(task); // never written to this worker, or queued in it behind the task we killed it for
        continue;
      }
      if (task.timedOut) {
        task.outcome.completeExceptionally(new TaskTimeoutException(task.timeout, name, handle.pid(), task.threadDump));
        continue;
      }
      task.crashes++;
      if (task.crashes <= pool.retries() && !task.outcome.isDone()) {
        pool.requeue(task); // idempotent by the user's declaration: run it again elsewhere
        continue;
      }
      String how = unresponsive
          ? "it stopped responding (no sign of life for " + pool.heartbeatTimeout().toMillis()
              + " ms: stopped with SIGSTOP, or frozen) and the pool killed it"
          : exitCode < 0 ? "killed by signal " + (-exitCode) : "exit status " + exitCode;
      String poison =
          task.crashes > 1 ? "; it was the running task in " + task.crashes + " workers that died (a poison task?)" : "";
      task.outcome.completeExceptionally(
          new WorkerCrashedException(
              "worker " + name + " (pid " + handle.pid() + ") died while running the task: " + how + poison + lastWords(),
              handle.pid(),
              exitCode));
    }
    capacity.release(permits); // unblock a dispatcher waiting to recycle
    synchronized (gate) {
      gate.notifyAll();
    }
    pool.workerDied(this);
  }

  /** The worker's last output lines (a JVM crash banner, an OutOfMemoryError, an hs_err path). */
  private String lastWords() {
    String tail = handle.recentOutput();
    return tail.isEmpty() ? "" : "; its last output lines:\n" + tail;
  }

  private final class Listener implements WorkerHandle.Listener {
    @Override
    public void onMessage(Message message) {
      lastSignOfLife = System.nanoTime();
      if (message instanceof TaskResult r) {
        finish(r.taskId()).ifPresent(t -> t.outcome.complete(r.payload()));
      } else if (message instanceof ThreadDump dump) {
        PendingTask task = inFlight.get(dump.taskId());
        if (task != null && task.timedOut) {
          task.threadDump = dump.text();
          handle.kill();
        }
      } else if (message instanceof TaskFailure f) {
        finish(f.taskId()).ifPresent(t -> t.outcome.completeExceptionally(new RemoteTaskFailure(f)));
      }
    }

    private java.util.Optional<PendingTask> finish(long taskId) {
      PendingTask task = inFlight.remove(taskId);
      if (task != null && task.outcome.isCancelled()) {
        clearCancelling();
      }
      if (task != null) {
        // The task's own time: from when it could start here (sent, or the previous result
        // arrived, if it was queued behind that one) to its result - not the time it waited in
        // this worker behind prefetched tasks, which would grow with the prefetch it decides.
        long now = System.nanoTime();
        long took = now - Math.max(task.sentNanos, lastResultNanos);
        lastResultNanos = now;
        long average = averageTaskNanos;
        averageTaskNanos = average == Long.MAX_VALUE ? took : (average * 7 + took) / 8;
        capacity.release();
        if (mayTakeMore()) { // else the dispatcher would wake only to wait again
          synchronized (gate) {
            gate.notifyAll();
          }
        }
        if (inFlight.isEmpty() && state == State.BUSY) {
          state = State.IDLE;
        }
      }
      return java.util.Optional.ofNullable(task);
    }

    @Override
    public void onChannelEnd(IOException error) {
      // onTerminated (after the process exit) fails what is still in flight, with its exit code.
      channelEndedCleanly = error == null;
    }
  }

  CompletableFuture<Void> terminated() {
    WorkerHandle h = handle;
    return h == null ? CompletableFuture.completedFuture(null) : h.terminated();
  }
}
