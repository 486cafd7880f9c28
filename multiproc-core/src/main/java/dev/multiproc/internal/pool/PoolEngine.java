package dev.multiproc.internal.pool;

import dev.multiproc.PoolBrokenException;
import dev.multiproc.TaskFailedException;
import dev.multiproc.internal.codec.RemoteFailures;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.launch.LaunchSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Overview: the supervisor behind Pool and ProcessPoolExecutor.
 *
 * One shared queue of encoded tasks; each worker's dispatcher pulls from it when it has a free
 * slot (pull-based: no per-worker queues, so a long task never strands others behind it). Workers
 * that die are replaced; their in-flight tasks fail with a typed exception.
 *
 * Pool lifecycle:
 *   RUNNING    -> accepts tasks
 *   CLOSING    -> close(): no new tasks; workers drain the queue, then exit
 *   TERMINATED -> terminate(): queued tasks are cancelled, workers killed
 *   BROKEN     -> the initializer failed, or workers keep failing to start: queued and new tasks
 *                 fail with PoolBrokenException (no endless respawn loop)
 */
/** Supervises a pool's worker processes and its task queue. */
public final class PoolEngine {
  enum State {
    RUNNING,
    CLOSING,
    TERMINATED,
    BROKEN
  }

  private static final int MAX_CONSECUTIVE_START_FAILURES = 3;
  /** How long a cancelled running task has to answer its interrupt before its worker is killed. */
  static final long CANCEL_GRACE_MILLIS = 2000;

  private final String name;
  private final ValueEncoding encoding;
  private final int processes;
  private final LaunchSpec spec;
  private final byte[] initializerPayload;
  private final int maxTasksPerChild;
  private final int concurrency;
  private final int retries;
  private final Duration heartbeatTimeout;
  private final LinkedBlockingDeque<PendingTask> queue = new LinkedBlockingDeque<>();

  /**
   * Put at the end of the queue by {@link #close()}, one per worker: a dispatcher waiting for a
   * task wakes at once and sees the pool closing, rather than at its next poll timeout (which made
   * every close of an idle pool take up to 50 ms longer). Never run; skipped wherever tasks are
   * counted.
   */
  private static final PendingTask WAKE_UP = new PendingTask(-1, new byte[0], null);
  private final Set<PoolWorker> workers = ConcurrentHashMap.newKeySet();
  private final Set<PoolWorker> recycled = ConcurrentHashMap.newKeySet();
  private final AtomicLong taskIds = new AtomicLong(1);
  private final AtomicInteger workerNames = new AtomicInteger();
  private final AtomicInteger consecutiveStartFailures = new AtomicInteger();
  private final ScheduledExecutorService scheduler;
  private final CompletableFuture<Void> allWorkersGone = new CompletableFuture<>();
  private volatile State state = State.RUNNING;
  private volatile PoolBrokenException broken;

  /**
   * Creates and starts a pool engine.
   *
   * @param name the pool's name (workers are {@code name/worker-N})
   * @param processes how many workers
   * @param spec how to start them
   * @param encoding the pool's value encoding (to rebuild an initializer's exception)
   * @param initializerPayload an encoded callable each worker runs first, or null
   * @param maxTasksPerChild tasks after which a worker is replaced, 0 for never
   * @param concurrency tasks each worker runs at once
   * @param retries how many times a task whose worker died is run again
   * @param heartbeatTimeout how long a worker may go without a sign of life before it is killed
   */
  public PoolEngine(
      String name,
      int processes,
      LaunchSpec spec,
      ValueEncoding encoding,
      byte[] initializerPayload,
      int maxTasksPerChild,
      int concurrency,
      int retries,
      Duration heartbeatTimeout) {
    this.retries = retries;
    this.heartbeatTimeout = heartbeatTimeout;
    this.name = name;
    this.encoding = encoding;
    this.processes = processes;
    this.spec = spec;
    this.initializerPayload = initializerPayload;
    this.maxTasksPerChild = maxTasksPerChild;
    this.concurrency = concurrency;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("multiproc-" + name + "-timer").unstarted(r));
    for (int i = 0; i < processes; i++) {
      startWorker();
    }
  }

  /**
   * Queues a task.
   *
   * @param payload the encoded callable
   * @param timeout its hard timeout, or null
   * @return the future of its encoded result
   * @throws RejectedExecutionException if the pool no longer accepts tasks
   */
  public CompletableFuture<byte[]> submit(byte[] payload, Duration timeout) {
    PendingTask task = new PendingTask(taskIds.getAndIncrement(), payload, timeout);
    State s = state;
    if (s == State.BROKEN) {
      throw broken;
    }
    if (s != State.RUNNING) {
      throw new RejectedExecutionException("pool " + name + " is " + s.name().toLowerCase() + "; it accepts no new tasks");
    }
    task.engine = this;
    if (!(queue.isEmpty() && sendDirectly(task))) {
      queue.add(task);
    }
    State after = state;
    if ((after == State.BROKEN || after == State.TERMINATED) && queue.remove(task)) { // raced with it
      task.outcome.completeExceptionally(
          after == State.BROKEN ? broken : new CancellationException("pool " + name + " was terminated"));
    }
    return task.outcome;
  }

  /** A queued or running task was cancelled: off the queue, or interrupted (then killed) in its worker. */
  void cancelled(PendingTask task) {
    queue.remove(task);
    PoolWorker worker = task.runningOn;
    if (worker != null) {
      worker.cancel(task, CANCEL_GRACE_MILLIS);
    }
  }

  /** Gives the task to a worker with a free slot now, from the calling thread; false if none has one. */
  private boolean sendDirectly(PendingTask task) {
    for (PoolWorker worker : workers) {
      if (worker.trySendDirectly(task)) {
        return true;
      }
    }
    return false;
  }

  /** Stops accepting tasks; workers finish the queue, then exit. */
  public void close() {
    if (state == State.RUNNING) {
      state = State.CLOSING;
      for (int i = 0; i < workers.size(); i++) {
        queue.add(WAKE_UP);
      }
    }
    checkAllGone();
  }

  /** Cancels queued tasks and kills every worker now. */
  public void terminate() {
    if (state != State.BROKEN) {
      state = State.TERMINATED;
    }
    failQueued(new CancellationException("pool " + name + " was terminated"));
    workers.forEach(PoolWorker::kill);
    checkAllGone();
  }

  /**
   * Waits until every worker has exited (after {@link #close()} or {@link #terminate()}).
   *
   * @param timeout how long to wait
   * @return whether they all exited
   * @throws InterruptedException if interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      allWorkersGone.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  /** {@return whether close() or terminate() was called, or the pool broke} */
  public boolean isShutdown() {
    return state != State.RUNNING;
  }

  /** {@return whether the pool is shut down and every worker has exited} */
  public boolean isTerminated() {
    return allWorkersGone.isDone();
  }

  /** {@return the pids of the live workers} */
  public List<Long> workerPids() {
    List<Long> pids = new ArrayList<>();
    for (PoolWorker w : workers) {
      if (w.handle() != null && w.state() != PoolWorker.State.DEAD) {
        pids.add(w.handle().pid());
      }
    }
    return pids;
  }

  // --- called by PoolWorker ---

  LaunchSpec launchSpec() {
    return spec;
  }

  byte[] initializerPayload() {
    return initializerPayload;
  }

  int maxTasksPerChild() {
    return maxTasksPerChild;
  }

  int concurrency() {
    return concurrency;
  }

  int retries() {
    return retries;
  }

  Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  long nextTaskId() {
    return taskIds.getAndIncrement();
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The next task for {@code worker}, or null when it should stop (pool closing and drained, terminated, broken). */
  PendingTask takeTask(PoolWorker worker) throws InterruptedException {
    while (true) {
      if (state == State.TERMINATED || state == State.BROKEN) {
        return null;
      }
      PendingTask task = queue.poll(50, TimeUnit.MILLISECONDS);
      if (task != null && task != WAKE_UP) {
        if (state == State.TERMINATED || state == State.BROKEN) {
          requeue(task); // fails it: terminate()'s sweep of the queue may already have run
          return null;
        }
        return task;
      }
      if (state == State.CLOSING && !hasQueuedTasks()) {
        return null;
      }
    }
  }

  /**
   * A queued task if there is one right now, else null: never waits. A dispatcher that took a task
   * takes more this way while its worker has free slots, to send them in one write.
   */
  PendingTask pollTask() {
    if (state == State.TERMINATED || state == State.BROKEN) {
      return null;
    }
    PendingTask task = queue.pollFirst();
    if (task == null) {
      return null;
    }
    if (task == WAKE_UP) {
      queue.offerFirst(task); // still owed to a dispatcher waiting in takeTask
      return null;
    }
    if (state == State.TERMINATED || state == State.BROKEN) {
      requeue(task); // fails it: terminate()'s sweep of the queue may already have run
      return null;
    }
    return task;
  }

  /** Puts back a task a worker took but could not deliver; it goes first. */
  void requeue(PendingTask task) {
    task.runningOn = null;
    State s = state;
    if (s == State.TERMINATED || s == State.BROKEN) {
      task.outcome.completeExceptionally(s == State.BROKEN ? broken : new CancellationException("pool " + name + " was terminated"));
      return;
    }
    queue.offerFirst(task);
    if (s == State.CLOSING && workers.stream().allMatch(w -> w.state() == PoolWorker.State.DEAD)) {
      startWorker();
    }
  }

  void recycling(PoolWorker worker) {
    recycled.add(worker);
    startWorker();
  }

  void workerDied(PoolWorker worker) {
    workers.remove(worker);
    boolean wasRecycled = recycled.remove(worker);
    if (!wasRecycled && needsWorkers()) {
      startWorker();
    }
    checkAllGone();
  }

  void workerFailedToStart(PoolWorker worker, RuntimeException cause) {
    workers.remove(worker);
    if (consecutiveStartFailures.incrementAndGet() >= MAX_CONSECUTIVE_START_FAILURES) {
      breakPool(new PoolBrokenException(
          "pool " + name + ": " + MAX_CONSECUTIVE_START_FAILURES + " worker JVMs in a row failed to start: " + cause.getMessage(), cause));
    } else if (needsWorkers()) {
      startWorker();
    }
    checkAllGone();
  }

  void initializerFailed(PoolWorker worker, Throwable failure) {
    Throwable cause =
        failure instanceof RemoteTaskFailure remote
            ? new TaskFailedException(
                "the initializer", remote.failure().description().className(), RemoteFailures.rebuild(remote.failure(), encoding))
            : failure;
    breakPool(new PoolBrokenException(
        "pool " + name + ": the initializer failed in worker " + worker.name() + "; no task will run", cause));
  }

  private boolean needsWorkers() {
    return state == State.RUNNING || (state == State.CLOSING && hasQueuedTasks());
  }

  /** Whether a real task (not a {@link #WAKE_UP}) is queued. */
  private boolean hasQueuedTasks() {
    for (PendingTask task : queue) {
      if (task != WAKE_UP) {
        return true;
      }
    }
    return false;
  }

  private void startWorker() {
    PoolWorker worker = new PoolWorker(this, name + "/worker-" + workerNames.incrementAndGet());
    workers.add(worker);
    worker.start();
  }

  void workerStarted() {
    consecutiveStartFailures.set(0);
  }

  private void breakPool(PoolBrokenException failure) {
    broken = failure;
    state = State.BROKEN;
    failQueued(failure);
    workers.forEach(PoolWorker::kill);
  }

  private void failQueued(Throwable failure) {
    // Empty the queue first: failing a task with a CancellationException runs its cancellation
    // hook, which removes it from the queue - a scan of everything still queued, per task, when
    // the tasks were failed one by one as they were polled (measured: terminate() and join() of a
    // pool with 60,000 queued tasks took 7.9 s that way, 0.4 s this way).
    List<PendingTask> drained = new ArrayList<>();
    while (queue.drainTo(drained) > 0) {
      for (PendingTask task : drained) {
        if (task != WAKE_UP) {
          task.outcome.completeExceptionally(failure);
        }
      }
      drained.clear();
    }
  }

  private void checkAllGone() {
    if (state != State.RUNNING && workers.isEmpty()) {
      scheduler.shutdownNow();
      allWorkersGone.complete(null);
    }
  }
}
