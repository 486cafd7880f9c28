package dev.multiproc.internal.pool;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One task on its way through a pool: the encoded callable and the future its outcome completes
 * (with the still-encoded result bytes, decoded later off the delivery thread).
 */
final class PendingTask {
  final long id;
  final byte[] payload;
  final Duration timeout; // null: none
  final CompletableFuture<byte[]> outcome = new Outcome();
  /** Told when the outcome is cancelled (set by the engine that queued the task), or null. */
  volatile PoolEngine engine;
  volatile boolean timedOut;
  volatile String threadDump;
  volatile PoolWorker runningOn;
  volatile long sentNanos;
  /**
   * Position in its worker's pipe (1, 2, ... in write order); 0 while claimed but not yet written.
   * A one-at-a-time worker runs tasks in this order, which tells the pool, when it kills a worker
   * for one task, which of the others never started.
   */
  volatile long sendSequence;
  /** Workers that died while running this task. */
  int crashes;

  /**
   * A task's outcome that tells its engine when it is cancelled (to take the task off the queue,
   * or stop it in its worker) - itself, rather than through a completion stage registered on every
   * task, which cost each tiny task an allocation and a callback.
   */
  private final class Outcome extends CompletableFuture<byte[]> {
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        cancelled();
      }
      return cancelled;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      boolean completed = super.completeExceptionally(ex);
      if (completed && ex instanceof CancellationException) {
        cancelled();
      }
      return completed;
    }

    /** Dependent stages are plain futures. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  private void cancelled() {
    PoolEngine queuedBy = engine;
    if (queuedBy != null) {
      queuedBy.cancelled(this);
    }
  }

  PendingTask(long id, byte[] payload, Duration timeout) {
    this.id = id;
    this.payload = payload;
    this.timeout = timeout;
  }
}
