package dev.multiproc;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.function.SerializableFunction;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An {@link ExecutorService} whose tasks run in worker JVMs: Python's {@code
 * concurrent.futures.ProcessPoolExecutor}, on top of a {@link Pool}.
 *
 * <p>Every {@code ExecutorService} method works as specified. Tasks must be serializable: pass
 * lambdas typed as {@link SerializableCallable} (the {@link #submit(SerializableCallable)}
 * overload is chosen automatically for a lambda) or objects implementing {@link Serializable}; a
 * plain {@code Callable} or {@code Runnable} lambda is rejected at submission with a {@link
 * TaskNotSerializableException} that says how to fix it. Futures are {@link CompletableFuture}s, so
 * they compose like asyncio: {@code allOf} is {@code asyncio.gather}, {@code orTimeout} is {@code
 * asyncio.wait_for}, and {@code executor.submit(fn)} is {@code loop.run_in_executor(pool, fn)}.
 * {@code cancel(true)} on a running task interrupts it in its worker and kills the worker after a
 * two-second grace period; the pool replaces it.
 *
 * <p>Failures, supervision and lifecycle are {@link Pool}'s: a task's exception is the cause of a
 * {@link TaskFailedException}, a crashed worker fails its tasks with a {@link
 * WorkerCrashedException} and is replaced. {@link #close()} follows the JDK 19 contract.
 *
 * {@snippet :
 * try (ProcessPoolExecutor executor = ProcessPoolExecutor.create(2)) {
 *   List<CompletableFuture<Long>> futures = new ArrayList<>();
 *   for (int n = 25; n < 35; n++) {
 *     int k = n;
 *     futures.add(executor.submit(() -> fib(k)));
 *   }
 *   ProcessPoolExecutor.asCompleted(futures).forEach(System.out::println); // as they finish
 * }
 * }
 */
public final class ProcessPoolExecutor implements ExecutorService {
  /** When {@link #wait(Collection, ReturnWhen, Duration)} returns, as in Python. */
  public enum ReturnWhen {
    /** As soon as any future is done. */
    FIRST_COMPLETED,
    /** As soon as any future fails, or all are done. */
    FIRST_EXCEPTION,
    /** When all are done. */
    ALL_COMPLETED
  }

  /**
   * The result of {@link #wait(Collection, ReturnWhen, Duration)}.
   *
   * @param done the futures that are done
   * @param notDone the others
   * @param <T> the result type
   */
  public record DoneAndNotDone<T>(Set<Future<T>> done, Set<Future<T>> notDone) {}

  private final Pool pool;

  private ProcessPoolExecutor(Pool pool) {
    this.pool = pool;
  }

  /**
   * An executor with {@code workers} worker JVMs.
   *
   * @param workers at least 1
   * @return the executor
   */
  public static ProcessPoolExecutor create(int workers) {
    return new ProcessPoolExecutor(Pool.create(workers));
  }

  /**
   * An executor over a pool configured by {@code builder} (initializer, timeouts, concurrency...).
   *
   * @param builder the pool's configuration
   * @return the executor
   */
  public static ProcessPoolExecutor create(Pool.Builder builder) {
    return new ProcessPoolExecutor(builder.build());
  }

  /**
   * An executor over an existing pool — a cluster pool, say ({@code ClusterPool.connect(...)}).
   * The executor owns the pool from then on: {@link #shutdown()} shuts it down.
   *
   * @param pool the pool
   * @return the executor
   */
  public static ProcessPoolExecutor of(Pool pool) {
    return new ProcessPoolExecutor(Objects.requireNonNull(pool, "pool"));
  }

  /**
   * Runs a serializable task in a worker.
   *
   * @param task the task
   * @param <T> its result type
   * @return its future
   */
  public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
    return pool.applyAsync(task);
  }

  @Override
  public <T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> task) {
    return pool.applyAsync(serializable(task));
  }

  @Override
  public CompletableFuture<?> submit(Runnable task) {
    return submit(task, null);
  }

  @Override
  public <T> CompletableFuture<T> submit(Runnable task, T result) {
    Runnable runnable = serializable(task);
    SerializableCallable<T> callable = () -> {
      runnable.run();
      return result;
    };
    return pool.applyAsync(callable);
  }

  @Override
  public void execute(Runnable command) {
    submit(command);
  }

  /**
   * Applies {@code function} to the items lazily, results in input order (Python's {@code
   * executor.map}); the input is read only as results are consumed.
   *
   * @param function the function
   * @param items the items
   * @param chunksize items per task (Python's default is 1; larger is much faster for small work)
   * @param <T> the item type
   * @param <R> the result type
   * @return the results as a lazy stream; a failed item throws {@link TaskFailedException} there
   */
  public <T, R> Stream<R> map(SerializableFunction<T, R> function, Iterable<T> items, int chunksize) {
    Iterator<R> results = pool.imap(function, items, chunksize);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED), false);
  }

  /**
   * {@link #map(SerializableFunction, Iterable, int)} with an adaptive chunk size.
   *
   * @param function the function
   * @param items the items
   * @param <T> the item type
   * @param <R> the result type
   * @return the results as a lazy stream, in input order
   */
  public <T, R> Stream<R> map(SerializableFunction<T, R> function, Iterable<T> items) {
    Iterator<R> results = pool.imap(function, items);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED), false);
  }

  /**
   * The futures in the order they complete (Python's {@code as_completed}).
   *
   * @param futures the futures
   * @param <F> the future type
   * @return a stream yielding each future once it is done; blocks while none is ready
   */
  public static <F extends Future<?>> Stream<F> asCompleted(Collection<F> futures) {
    return asCompleted(futures, null);
  }

  /**
   * The futures in completion order, giving up after {@code timeout}.
   *
   * @param futures the futures
   * @param timeout the total time to wait, or null for no limit
   * @param <F> the future type
   * @return a stream yielding each future once it is done; throws an unchecked {@link
   *     java.util.concurrent.CancellationException} wrapping the timeout if it expires first
   */
  public static <F extends Future<?>> Stream<F> asCompleted(Collection<F> futures, Duration timeout) {
    BlockingQueue<F> done = new LinkedBlockingQueue<>();
    for (F future : futures) {
      CompletableFuture<?> cf = future instanceof CompletableFuture<?> c ? c : CompletableFuture.runAsync(() -> awaitQuietly(future));
      LocalBackend.whenDone(cf, () -> done.add(future));
    }
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    int total = futures.size();
    Iterator<F> iterator =
        new Iterator<>() {
          private int yielded;

          @Override
          public boolean hasNext() {
            return yielded < total;
          }

          @Override
          public F next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            try {
              long left = deadline - System.nanoTime();
              F next = deadline == Long.MAX_VALUE ? done.take() : done.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
              if (next == null) {
                CancellationException expired = new CancellationException((total - yielded) + " futures unfinished after " + timeout);
                expired.initCause(new TimeoutException());
                throw expired;
              }
              yielded++;
              return next;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new CancellationException("interrupted");
            }
          }
        };
    return StreamSupport.stream(Spliterators.spliterator(iterator, total, Spliterator.ORDERED | Spliterator.SIZED), false);
  }

  /**
   * Waits for futures the way Python's {@code concurrent.futures.wait} does.
   *
   * @param futures the futures
   * @param returnWhen when to return
   * @param timeout the most to wait, or null for no limit
   * @param <T> the result type
   * @return the done and not-done futures
   * @throws InterruptedException if interrupted
   */
  public static <T> DoneAndNotDone<T> wait(Collection<? extends Future<T>> futures, ReturnWhen returnWhen, Duration timeout)
      throws InterruptedException {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    BlockingQueue<Future<T>> events = new LinkedBlockingQueue<>();
    for (Future<T> future : futures) {
      CompletableFuture<?> cf = future instanceof CompletableFuture<?> c ? c : CompletableFuture.runAsync(() -> awaitQuietly(future));
      LocalBackend.whenDone(cf, () -> events.add(future));
    }
    while (true) {
      Set<Future<T>> done = new LinkedHashSet<>();
      Set<Future<T>> notDone = new LinkedHashSet<>();
      boolean failed = false;
      for (Future<T> f : futures) {
        if (f.isDone()) {
          done.add(f);
          failed |= f.state() == Future.State.FAILED;
        } else {
          notDone.add(f);
        }
      }
      boolean satisfied =
          notDone.isEmpty()
              || switch (returnWhen) {
                case FIRST_COMPLETED -> !done.isEmpty();
                case FIRST_EXCEPTION -> failed;
                case ALL_COMPLETED -> false;
              };
      long left = deadline - System.nanoTime();
      if (satisfied || left <= 0) {
        return new DoneAndNotDone<>(done, notDone);
      }
      events.poll(deadline == Long.MAX_VALUE ? Long.MAX_VALUE : left, TimeUnit.NANOSECONDS);
    }
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | CancellationException e) {
      // only completion matters here
    }
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends java.util.concurrent.Callable<T>> tasks) throws InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    for (java.util.concurrent.Callable<T> task : tasks) {
      futures.add(submit(task));
    }
    for (Future<T> f : futures) {
      awaitOrCancelAll(f, futures);
    }
    return futures;
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends java.util.concurrent.Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    for (java.util.concurrent.Callable<T> task : tasks) {
      futures.add(submit(task));
    }
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Future<T> f : futures) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | CancellationException e) {
        // reported through the future
      } catch (TimeoutException e) {
        futures.forEach(x -> x.cancel(true));
        break;
      }
    }
    return futures;
  }

  private static <T> void awaitOrCancelAll(Future<T> f, List<Future<T>> all) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException | CancellationException e) {
      // reported through the future
    } catch (InterruptedException e) {
      all.forEach(x -> x.cancel(true));
      throw e;
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends java.util.concurrent.Callable<T>> tasks) throws InterruptedException, ExecutionException {
    try {
      return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no timeout was set", e);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends java.util.concurrent.Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("invokeAny needs at least one task");
    }
    List<CompletableFuture<T>> futures = new ArrayList<>();
    for (java.util.concurrent.Callable<T> task : tasks) {
      futures.add(submit(task));
    }
    long deadline = unit.toNanos(timeout) == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + unit.toNanos(timeout);
    ExecutionException last = null;
    try {
      BlockingQueue<CompletableFuture<T>> done = new LinkedBlockingQueue<>();
      futures.forEach(f -> LocalBackend.whenDone(f, () -> done.add(f)));
      for (int i = 0; i < futures.size(); i++) {
        CompletableFuture<T> f =
            deadline == Long.MAX_VALUE ? done.take() : done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new TimeoutException("no task completed within " + timeout + " " + unit);
        }
        try {
          return f.get();
        } catch (ExecutionException e) {
          last = e;
        } catch (CancellationException e) {
          last = new ExecutionException(e);
        }
      }
      throw last;
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
  }

  @Override
  public void shutdown() {
    pool.shutdown();
  }

  /**
   * Cancels queued tasks and kills the workers (running tasks fail).
   *
   * @return an empty list: queued tasks are serialized payloads, not the submitted objects; their
   *     futures are cancelled instead
   */
  @Override
  public List<Runnable> shutdownNow() {
    pool.terminate();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return pool.backend().isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return pool.backend().isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return pool.backend().awaitTermination(Duration.ofNanos(unit.toNanos(timeout)));
  }

  /** {@return the pool behind this executor} */
  public Pool pool() {
    return pool;
  }

  private static <T> SerializableCallable<T> serializable(java.util.concurrent.Callable<T> task) {
    Objects.requireNonNull(task, "task");
    if (task instanceof SerializableCallable<T> s) {
      return s;
    }
    if (!(task instanceof Serializable)) {
      throw notSerializable(task);
    }
    return task::call; // a serializable lambda capturing a serializable task
  }

  private static Runnable serializable(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (!(task instanceof Serializable)) {
      throw notSerializable(task);
    }
    return task;
  }

  private static TaskNotSerializableException notSerializable(Object task) {
    return new TaskNotSerializableException(
        "cannot run " + task.getClass().getName() + " in a worker process: it is not Serializable. Submit a"
            + " SerializableCallable (a lambda passed straight to submit() is one), cast it with"
            + " (SerializableCallable<T>) () -> ..., or make the task class implement Serializable.",
        task.getClass().getName(),
        null);
  }
}
