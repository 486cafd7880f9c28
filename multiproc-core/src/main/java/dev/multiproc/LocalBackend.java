package dev.multiproc;

import dev.multiproc.internal.pool.BriefSpin;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.internal.codec.RemoteFailures;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.pool.BriefSpin;
import dev.multiproc.internal.pool.PoolEngine;
import dev.multiproc.internal.pool.RemoteTaskFailure;
import dev.multiproc.spi.PoolBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The default backend: this machine's worker JVMs, supervised by a {@link PoolEngine}. Encodes
 * tasks here (so a task that cannot be serialized fails at submission, nothing queued). Rebuilds
 * remote exceptions, decodes results that could run user code, and completes futures that
 * callbacks or stages wait on, on virtual threads, never on the delivery thread; a plain result
 * nobody but a {@code join()} waits for is delivered directly (see the note on delivery below).
 */
final class LocalBackend implements PoolBackend {
  private final PoolEngine engine;
  private final ValueEncoding encoding;
  private final int processes;
  private final BriefSpin spin = new BriefSpin(this::undeliveredCount);
  private final Executor callbacks = runnable -> Thread.ofVirtual().name("multiproc-callback").start(runnable);
  /**
   * Futures handed out and not yet completed. Results reach them through a hop to a callback
   * thread, after the engine has finished with the task: termination waits for these too, so a
   * caller that saw {@code awaitTermination} return true finds every future completed.
   */
  private final Object undeliveredLock = new Object();
  private final java.util.concurrent.atomic.AtomicLong undelivered = new java.util.concurrent.atomic.AtomicLong();

  /** Futures from {@link #submit} not completed yet ({@code apply}'s blocking calls are not counted). */
  private long undeliveredCount() {
    return undelivered.get();
  }

  LocalBackend(PoolEngine engine, ValueEncoding encoding, int processes) {
    this.engine = engine;
    this.encoding = encoding;
    this.processes = processes;
  }

  @Override
  public <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout) {
    return submit(task, timeout, false);
  }

  /**
   * Queues a task.
   *
   * @param internal whether only Multiproc's own, short completions will depend on the future (map
   *     chunks): its result is then delivered on the reader thread even though dependents exist
   */
  <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout, boolean internal) {
    Objects.requireNonNull(task, "task");
    byte[] payload = encoding.encode(task); // not serializable: fails here, nothing queued
    CompletableFuture<byte[]> raw = engine.submit(payload, timeout);
    TaskFuture<R> result = new TaskFuture<>(raw, callbacks, spin);
    undelivered.incrementAndGet();
    raw.whenComplete(
        (bytes, error) -> {
          if (error == null && deliverableInline(result, bytes, internal)) {
            deliver(result, bytes, null);
          } else {
            callbacks.execute(() -> deliver(result, bytes, error));
          }
        });
    return result;
  }

  /*
   * Delivery: a result used to reach its future through a new virtual thread each, so that no
   * callback could ever run on (and hold up) the worker's reader thread - most of the parent's CPU
   * per tiny task. Now the reader thread completes the future itself when nothing but our own
   * bookkeeping depends on it yet (a caller blocked in join()/get() is only woken) and decoding
   * runs no user code and is short; any other dependent - a callback, a thenApply stage, an
   * allOf - still gets the hop, and so does every failure (rebuilding an exception runs its
   * class's code). A stage registered in the instant between that check and the completion runs
   * on a callback thread all the same (TaskFuture sends every stage there); only an allOf/anyOf
   * registered in that instant would run on the reader thread, delaying that worker's next
   * results, never losing one.
   */
  private static boolean deliverableInline(TaskFuture<?> result, byte[] bytes, boolean internal) {
    return bytes.length <= INLINE_DECODE_MAX_BYTES
        && ValueEncoding.decodesWithoutUserCode(bytes)
        && (internal || result.getNumberOfDependents() <= result.ownDependents.get() + result.waiters.get());
  }

  /** Larger results are decoded off the reader thread, which meanwhile reads the worker's next ones. */
  private static final int INLINE_DECODE_MAX_BYTES = 64 * 1024;

  private <R> void deliver(CompletableFuture<R> result, byte[] bytes, Throwable error) {
    try {
      if (error != null) {
        result.completeExceptionally(translate(error));
        return;
      }
      try {
        @SuppressWarnings("unchecked")
        R value = (R) encoding.decode(bytes);
        result.complete(value);
      } catch (IOException | ClassNotFoundException | RuntimeException e) {
        result.completeExceptionally(new MultiprocException("a task's result cannot be decoded here: " + e, e));
      }
    } finally {
      if (undelivered.decrementAndGet() == 0) {
        synchronized (undeliveredLock) { // a waiter checks the count holding this lock: none misses it
          undeliveredLock.notifyAll();
        }
      }
    }
  }

  /**
   * Runs {@code action} when {@code future} completes, on the completing thread. For our own
   * bookkeeping only (adding to a queue): on a task's future it does not count as a dependent that
   * needs the hop described above.
   *
   * @param future any future
   * @param action a short action that runs no user code
   */
  static void whenDone(CompletableFuture<?> future, Runnable action) {
    if (future instanceof TaskFuture<?> task) {
      task.ownDependents.incrementAndGet();
      task.whenCompleteHere((r, e) -> action.run());
    } else {
      future.whenComplete((r, e) -> action.run());
    }
  }

  /** The future a caller gets for a task: cancelling it cancels the task (interrupt, then kill). */
  private static final class TaskFuture<R> extends CompletableFuture<R> {
    private final CompletableFuture<byte[]> raw;
    private final Executor callbacks;
    private final BriefSpin spin;
    /** Dependents registered by {@link #whenDone}, which need no hop. */
    final java.util.concurrent.atomic.AtomicInteger ownDependents = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Threads in {@link #get}/{@link #join} on it: each may have pushed a waiter node, which
     * {@code getNumberOfDependents} counts like any stage, but which completing only wakes. Without
     * this count, a caller quick enough to block before its result arrived (any warmed-up caller
     * of {@code apply}) sent every result through a callback thread: one more thread wake-up per
     * call, which doubled the apply round trip (~25 -> ~53 µs).
     */
    final java.util.concurrent.atomic.AtomicInteger waiters = new java.util.concurrent.atomic.AtomicInteger();

    TaskFuture(CompletableFuture<byte[]> raw, Executor callbacks, BriefSpin spin) {
      this.raw = raw;
      this.callbacks = callbacks;
      this.spin = spin;
    }

    @Override
    public R get() throws InterruptedException, java.util.concurrent.ExecutionException {
      long start = System.nanoTime();
      boolean blocking = !isDone() && startWaiting();
      try {
        return super.get();
      } finally {
        stopWaiting(start, blocking);
      }
    }

    @Override
    public R get(long timeout, java.util.concurrent.TimeUnit unit)
        throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
      boolean blocking = !isDone() && waiters.incrementAndGet() > 0; // no spin: the caller chose a bound
      try {
        return super.get(timeout, unit);
      } finally {
        if (blocking) {
          waiters.decrementAndGet();
        }
      }
    }

    @Override
    public R join() {
      long start = System.nanoTime();
      boolean blocking = !isDone() && startWaiting();
      try {
        return super.join();
      } finally {
        stopWaiting(start, blocking);
      }
    }

    /** Spins briefly; if still not done, counts this thread as a waiter: {@return whether it did} */
    private boolean startWaiting() {
      if (spin.spinUntilDone(this)) {
        return false;
      }
      waiters.incrementAndGet();
      return true;
    }

    private void stopWaiting(long start, boolean blocking) {
      if (blocking) {
        waiters.decrementAndGet();
      }
      if (blocking || System.nanoTime() - start > 1_000) { // an instant answer says nothing of round trips
        spin.record(System.nanoTime() - start);
      }
    }

    /*
     * A stage added to this future runs on a callback thread, never on the thread that completes
     * it: a result may be completed on a worker's reader thread (see deliverableInline), and a
     * stage registered in the instant after that check would otherwise run there and hold up the
     * worker's next results and heartbeats. (allOf/anyOf attach by other means: that window stays.)
     */
    @Override
    public <U> CompletableFuture<U> thenApply(java.util.function.Function<? super R, ? extends U> fn) {
      return thenApplyAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<Void> thenAccept(java.util.function.Consumer<? super R> action) {
      return thenAcceptAsync(action, callbacks);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
      return thenRunAsync(action, callbacks);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(
        java.util.concurrent.CompletionStage<? extends U> other, java.util.function.BiFunction<? super R, ? super U, ? extends V> fn) {
      return thenCombineAsync(other, fn, callbacks);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(
        java.util.concurrent.CompletionStage<? extends U> other, java.util.function.BiConsumer<? super R, ? super U> action) {
      return thenAcceptBothAsync(other, action, callbacks);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(java.util.concurrent.CompletionStage<?> other, Runnable action) {
      return runAfterBothAsync(other, action, callbacks);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(
        java.util.concurrent.CompletionStage<? extends R> other, java.util.function.Function<? super R, U> fn) {
      return applyToEitherAsync(other, fn, callbacks);
    }

    @Override
    public CompletableFuture<Void> acceptEither(
        java.util.concurrent.CompletionStage<? extends R> other, java.util.function.Consumer<? super R> action) {
      return acceptEitherAsync(other, action, callbacks);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(java.util.concurrent.CompletionStage<?> other, Runnable action) {
      return runAfterEitherAsync(other, action, callbacks);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(java.util.function.Function<? super R, ? extends java.util.concurrent.CompletionStage<U>> fn) {
      return thenComposeAsync(fn, callbacks);
    }

    @Override
    public <U> CompletableFuture<U> handle(java.util.function.BiFunction<? super R, Throwable, ? extends U> fn) {
      return handleAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<R> whenComplete(java.util.function.BiConsumer<? super R, ? super Throwable> action) {
      return whenCompleteAsync(action, callbacks);
    }

    /** Our own bookkeeping ({@link #whenDone}): runs on the completing thread. */
    void whenCompleteHere(java.util.function.BiConsumer<? super R, ? super Throwable> action) {
      super.whenComplete(action);
    }

    @Override
    public CompletableFuture<R> exceptionally(java.util.function.Function<Throwable, ? extends R> fn) {
      return exceptionallyAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<R> exceptionallyCompose(java.util.function.Function<Throwable, ? extends java.util.concurrent.CompletionStage<R>> fn) {
      return exceptionallyComposeAsync(fn, callbacks);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        raw.cancel(true);
      }
      return cancelled;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      boolean completed = super.completeExceptionally(ex);
      if (completed && ex instanceof CancellationException) {
        raw.cancel(true);
      }
      return completed;
    }

    /** Dependent stages are plain futures: only the task's own future cancels the task. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  /**
   * The blocking path: the caller waits on the raw outcome and decodes it itself, saving the hop
   * to a callback thread that asynchronous results need.
   */
  <R> R applyBlocking(SerializableCallable<R> task, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(task, "task");
    CompletableFuture<byte[]> raw = engine.submit(encoding.encode(task), timeout);
    byte[] bytes;
    try {
      if (!raw.isDone()) {
        long start = System.nanoTime();
        spin.spinUntilDone(raw);
        bytes = raw.get();
        spin.record(System.nanoTime() - start);
      } else {
        bytes = raw.get();
      }
    } catch (InterruptedException e) {
      raw.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw unchecked(translate(e));
    }
    try {
      @SuppressWarnings("unchecked")
      R value = (R) encoding.decode(bytes);
      return value;
    } catch (IOException | ClassNotFoundException e) {
      throw new MultiprocException("a task's result cannot be decoded here: " + e, e);
    }
  }

  private Throwable translate(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof RemoteTaskFailure remote) {
      Throwable cause = RemoteFailures.rebuild(remote.failure(), encoding);
      return new TaskFailedException("task", remote.failure().description().className(), cause);
    }
    return e;
  }

  /**
   * {@return a failure as the unchecked exception to throw: itself, or a checked one wrapped in a
   * MultiprocException} An {@link Error} is thrown from here, as it is.
   */
  static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof RuntimeException re) {
      return re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    return new MultiprocException(failure.toString(), failure);
  }

  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  @Override
  public int parallelism() {
    return processes;
  }

  @Override
  public void shutdown() {
    engine.close();
  }

  @Override
  public void terminate() {
    engine.terminate();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!engine.awaitTermination(timeout)) {
      return false;
    }
    synchronized (undeliveredLock) {
      while (undelivered.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(undeliveredLock, left);
      }
    }
    return true;
  }

  @Override
  public boolean isShutdown() {
    return engine.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    if (!engine.isTerminated()) {
      return false;
    }
    return undelivered.get() == 0;
  }

  @Override
  public List<Long> workerPids() {
    return engine.workerPids();
  }

  @Override
  public boolean isLocal() {
    return true;
  }
}
