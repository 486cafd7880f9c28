package dev.multiproc;

import dev.multiproc.codec.Codec;
import dev.multiproc.codec.JavaSerializationCodec;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.function.SerializableFunction;
import dev.multiproc.function.SerializableRunnable;
import dev.multiproc.internal.codec.ListSlice;
import dev.multiproc.internal.codec.PackedNumberList;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.launch.Codecs;
import dev.multiproc.internal.launch.LaunchSpec;
import dev.multiproc.internal.pool.PoolEngine;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.spi.PoolBackend;
import dev.multiproc.spi.PoolBackendProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A pool of worker JVMs running functions in parallel: Python's {@code multiprocessing.Pool}.
 *
 * <p><b>Work distribution</b> is pull-based: tasks wait in one queue and an idle worker takes the
 * next one, so a long task never holds back tasks queued behind it. {@link #map} and {@link
 * #imap} send items in chunks; {@link #imap} and {@link #imapUnordered} are lazy and bounded:
 * they read the input as results are consumed and keep at most a few chunks per worker in flight.
 *
 * <p><b>Failures.</b> A task's exception arrives as the cause of a {@link TaskFailedException}
 * with its remote stack. A worker that dies (killed, crashed, {@code System.exit}, out of memory)
 * fails only the tasks it was running, with a {@link WorkerCrashedException}; the pool replaces it
 * and goes on. A task that exceeds its {@link Builder#taskTimeout hard timeout} has its worker
 * killed and fails with a {@link TaskTimeoutException}. An initializer that throws breaks the pool
 * ({@link PoolBrokenException}) instead of respawning workers forever.
 *
 * <p><b>Lifecycle.</b> {@link #shutdown()} is Python's {@code close()}: no new tasks, queued ones
 * still run. {@link #join()} waits for the workers to exit after that. {@link #terminate()} cancels
 * queued tasks and kills the workers. {@link #close()} — what try-with-resources calls — is
 * {@code shutdown()} then {@code join()}: it <em>waits for submitted work</em>, unlike Python's
 * {@code with Pool()}, which terminates.
 *
 * <p><b>Backends.</b> By default the workers are JVMs on this machine. The same pool can run its
 * tasks on a cluster instead ({@link Builder#cluster(String)}, or {@code ClusterPool.connect} in
 * {@code multiproc-hazelcast}): every method keeps its meaning, with these differences, which the
 * cluster cannot avoid. A task runs in a worker JVM of some member, so a crash or a hard timeout
 * is still contained to that worker; a member that leaves the cluster fails the tasks it was
 * running with a {@link MemberLostException} (MapReduce jobs run them again elsewhere).
 * Shared-memory objects ({@code dev.multiproc.shared}) are node-local: a cluster pool rejects a
 * task that captures one. {@link #workerPids()} is empty, and the settings of the worker JVMs
 * themselves are rejected when the pool is built (see {@link Builder#backend}).
 *
 * <p>Thread-safe: any thread may submit. Callbacks and dependent stages of the returned futures
 * run on virtual threads, never on the thread that delivers results, so a slow callback cannot
 * delay other results.
 *
 * {@snippet :
 * try (Pool pool = Pool.create(4)) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4)); // [1, 4, 9, 16]
 *   CompletableFuture<Long> f = pool.applyAsync(() -> fib(30));
 *   System.out.println(f.join());
 * }
 * }
 */
public final class Pool implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final PoolBackend backend;
  private final Duration taskTimeout;
  private final int processes;
  private final int concurrency;
  private final int retries;
  private final Executor callbacks = runnable -> Thread.ofVirtual().name("multiproc-callback").start(runnable);

  private Pool(Builder builder, PoolBackend backend) {
    this.taskTimeout = builder.taskTimeout;
    this.concurrency = builder.concurrency;
    this.retries = backend != null ? builder.retries : 0; // the local engine retries by itself
    if (backend != null) {
      this.backend = backend;
      this.processes = backend.parallelism();
      return;
    }
    this.processes = builder.processes;
    ValueEncoding encoding = new ValueEncoding(Codecs.instantiate(builder.codec.getName()));
    byte[] initializer = builder.initializer == null ? null : encoding.encode(asCallable(builder.initializer));
    LaunchSpec spec =
        new LaunchSpec(
            builder.jvmOptions, builder.codec.getName(), false, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(30), builder.concurrency);
    String name = builder.name != null ? builder.name : "pool-" + NAMES.incrementAndGet();
    PoolEngine engine = new PoolEngine(name, builder.processes, spec, encoding, initializer, builder.maxTasksPerChild, builder.concurrency, builder.retries, builder.heartbeatTimeout);
    this.backend = new LocalBackend(engine, encoding, builder.processes);
  }

  private static SerializableCallable<Object> asCallable(SerializableRunnable action) {
    return () -> {
      action.run();
      return null;
    };
  }

  /**
   * A pool with {@code processes} workers and default settings.
   *
   * @param processes the number of worker JVMs, at least 1
   * @return the started pool
   */
  public static Pool create(int processes) {
    return builder().processes(processes).build();
  }

  /** {@return a builder for a pool} */
  public static Builder builder() {
    return new Builder();
  }

  // --- apply ---

  /**
   * Runs a task in a worker and waits for its result (Python's {@code apply}).
   *
   * @param task the task
   * @param <R> its result type
   * @return the result
   * @throws TaskFailedException if the task threw (the cause is its exception)
   * @throws WorkerCrashedException if its worker died, {@link TaskTimeoutException} if it timed out
   * @throws InterruptedException if interrupted while waiting (the task is cancelled)
   */
  public <R> R apply(SerializableCallable<R> task) throws InterruptedException {
    return applyBlocking(task, taskTimeout);
  }

  /**
   * Runs {@code function.apply(arg)} in a worker and waits for the result.
   *
   * @param function the function
   * @param arg its argument
   * @param <T> the argument type
   * @param <R> the result type
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   */
  public <T, R> R apply(SerializableFunction<T, R> function, T arg) throws InterruptedException {
    Objects.requireNonNull(function, "function");
    return applyBlocking(() -> function.apply(arg), taskTimeout);
  }

  /**
   * Runs a task with a hard timeout: past it, the worker is killed and replaced and the task fails
   * with {@link TaskTimeoutException}.
   *
   * @param task the task
   * @param timeout the timeout
   * @param <R> its result type
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   */
  public <R> R apply(SerializableCallable<R> task, Duration timeout) throws InterruptedException {
    return applyBlocking(task, Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * Queues a task and returns at once (Python's {@code apply_async}).
   *
   * @param task the task
   * @param <R> its result type
   * @return its future; cancelling it interrupts a running task and kills its worker after a
   *     2 s grace period
   * @throws TaskNotSerializableException if the task cannot be serialized (nothing is queued)
   * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
   * @throws PoolBrokenException if the pool is broken
   */
  public <R> CompletableFuture<R> applyAsync(SerializableCallable<R> task) {
    return submit(task, taskTimeout);
  }

  /**
   * Queues {@code function.apply(arg)}.
   *
   * @param function the function
   * @param arg its argument
   * @param <T> the argument type
   * @param <R> the result type
   * @return its future
   */
  public <T, R> CompletableFuture<R> applyAsync(SerializableFunction<T, R> function, T arg) {
    Objects.requireNonNull(function, "function");
    return submit(() -> function.apply(arg), taskTimeout);
  }

  /**
   * Queues a task with callbacks (Python's {@code callback=} and {@code error_callback=}). They
   * run on a virtual thread, never on the thread delivering results.
   *
   * @param task the task
   * @param onSuccess receives the result
   * @param onError receives the failure ({@link TaskFailedException}, {@link WorkerCrashedException}, ...)
   * @param <R> its result type
   * @return its future
   */
  public <R> CompletableFuture<R> applyAsync(SerializableCallable<R> task, Consumer<? super R> onSuccess, Consumer<? super Throwable> onError) {
    CompletableFuture<R> future = applyAsync(task);
    future.whenComplete(
        (r, e) -> {
          if (e == null) {
            onSuccess.accept(r);
          } else {
            onError.accept(unwrap(e));
          }
        });
    return future;
  }

  // --- map ---

  /**
   * Applies {@code function} to every item in parallel and returns the results in input order
   * (Python's {@code map}). The chunk size is Python's default: items / (4 x processes).
   *
   * @param function the function
   * @param items the items (materialized, as Python does)
   * @param <T> the item type
   * @param <R> the result type
   * @return the results, in order, as an unmodifiable list (results that are all {@code Integer},
   *     all {@code Long} or all {@code Double} are held unboxed and boxed as they are read)
   * @throws TaskFailedException for the first item whose call threw
   * @throws InterruptedException if interrupted while waiting
   */
  public <T, R> List<R> map(SerializableFunction<T, R> function, Iterable<T> items) throws InterruptedException {
    return await(mapAsync(function, items, 0));
  }

  /**
   * Like {@link #map(SerializableFunction, Iterable)} with an explicit chunk size.
   *
   * @param function the function
   * @param items the items
   * @param chunksize items per task, at least 1
   * @param <T> the item type
   * @param <R> the result type
   * @return the results, in order, as an unmodifiable list
   * @throws InterruptedException if interrupted while waiting
   */
  public <T, R> List<R> map(SerializableFunction<T, R> function, Iterable<T> items, int chunksize) throws InterruptedException {
    if (chunksize < 1) {
      throw new IllegalArgumentException("chunksize must be >= 1, got " + chunksize);
    }
    return await(mapAsync(function, items, chunksize));
  }

  /**
   * The non-blocking {@link #map}: one future for the whole list.
   *
   * @param function the function
   * @param items the items
   * @param chunksize items per task, or 0 for Python's default
   * @param <T> the item type
   * @param <R> the result type
   * @return the future of the results, in order
   */
  public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> function, Iterable<T> items, int chunksize) {
    List<T> all;
    if (items instanceof List<T> list && list instanceof java.util.RandomAccess) {
      all = list; // chunks are copied out of it below; no need for a copy of the whole
    } else if (items instanceof java.util.Collection<T> collection) {
      all = new ArrayList<>(collection);
    } else {
      all = new ArrayList<>();
      items.forEach(all::add);
    }
    int size = chunksize > 0 ? chunksize : defaultChunksize(all.size());
    // A local pool encodes each chunk as it is submitted, here: it can read it straight out of
    // the input. A cluster backend may encode later, after the caller changed the input.
    boolean encodedNow = retries == 0 && backend instanceof LocalBackend && all instanceof java.util.RandomAccess;
    List<CompletableFuture<List<R>>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += size) {
      int to = Math.min(all.size(), from + size);
      chunks.add(submitChunk(function, encodedNow ? ListSlice.of(all, from, to) : new ArrayList<>(all.subList(from, to))));
    }
    return concatenated(chunks, all.size());
  }

  /**
   * Applies a two-argument function to each pair (Python's {@code starmap}, for the common
   * two-argument case): {@code pool.starmap(Math::max, List.of(Map.entry(1, 5), Map.entry(7, 2)))}
   * gives {@code [5, 7]}. Chunking as in {@link #map(SerializableFunction, Iterable)}.
   *
   * @param function the function
   * @param pairs the argument pairs (keys first, values second)
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <R> the result type
   * @return the results, in order
   * @throws InterruptedException if interrupted while waiting
   */
  public <T, U, R> List<R> starmap(
      dev.multiproc.function.SerializableBiFunction<T, U, R> function,
      Iterable<? extends java.util.Map.Entry<? extends T, ? extends U>> pairs)
      throws InterruptedException {
    return await(starmapAsync(function, pairs, 0));
  }

  /**
   * The non-blocking {@link #starmap}.
   *
   * @param function the function
   * @param pairs the argument pairs
   * @param chunksize pairs per task, or 0 for Python's default
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <R> the result type
   * @return the future of the results, in order
   */
  public <T, U, R> CompletableFuture<List<R>> starmapAsync(
      dev.multiproc.function.SerializableBiFunction<T, U, R> function,
      Iterable<? extends java.util.Map.Entry<? extends T, ? extends U>> pairs,
      int chunksize) {
    Objects.requireNonNull(function, "function");
    List<java.util.Map.Entry<? extends T, ? extends U>> all = new ArrayList<>();
    pairs.forEach(all::add);
    int size = chunksize > 0 ? chunksize : defaultChunksize(all.size());
    List<CompletableFuture<List<R>>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += size) {
      // Two flat lists rather than a list of pairs: Map.Entry implementations are rarely serializable.
      ArrayList<T> firsts = new ArrayList<>();
      ArrayList<U> seconds = new ArrayList<>();
      for (java.util.Map.Entry<? extends T, ? extends U> pair : all.subList(from, Math.min(all.size(), from + size))) {
        firsts.add(pair.getKey());
        seconds.add(pair.getValue());
      }
      chunks.add(
          submit(
              () -> {
                List<R> out = new ArrayList<>(firsts.size());
                for (int i = 0; i < firsts.size(); i++) {
                  out.add(function.apply(firsts.get(i), seconds.get(i)));
                }
                return out;
              },
              taskTimeout));
    }
    return concatenated(chunks, all.size());
  }

  /**
   * Applies {@code function} lazily: results come back in input order as you iterate; the input is
   * read only as needed and at most a few chunks per worker are in flight (Python's {@code imap}).
   * Without a chunk size, one is chosen adaptively (starting small, growing while chunks return
   * quickly), so a long input never pays one round trip per item.
   *
   * @param function the function
   * @param items the items, read lazily
   * @param <T> the item type
   * @param <R> the result type
   * @return an iterator over the results; {@code next()} throws {@link TaskFailedException} at the
   *     position of an item whose call threw
   */
  public <T, R> Iterator<R> imap(SerializableFunction<T, R> function, Iterable<T> items) {
    return new LazyMap<>(function, items.iterator(), 0, true);
  }

  /**
   * {@link #imap(SerializableFunction, Iterable)} with a fixed chunk size.
   *
   * @param function the function
   * @param items the items, read lazily
   * @param chunksize items per task, at least 1
   * @param <T> the item type
   * @param <R> the result type
   * @return an iterator over the results, in input order
   */
  public <T, R> Iterator<R> imap(SerializableFunction<T, R> function, Iterable<T> items, int chunksize) {
    if (chunksize < 1) {
      throw new IllegalArgumentException("chunksize must be >= 1, got " + chunksize);
    }
    return new LazyMap<>(function, items.iterator(), chunksize, true);
  }

  /**
   * Like {@link #imap(SerializableFunction, Iterable)}, but results come in completion order
   * (Python's {@code imap_unordered}).
   *
   * @param function the function
   * @param items the items, read lazily
   * @param <T> the item type
   * @param <R> the result type
   * @return an iterator over the results, as they complete
   */
  public <T, R> Iterator<R> imapUnordered(SerializableFunction<T, R> function, Iterable<T> items) {
    return new LazyMap<>(function, items.iterator(), 0, false);
  }

  // --- lifecycle ---

  /** Stops accepting tasks; queued and running tasks still complete (Python's {@code close()}). */
  public void shutdown() {
    backend.shutdown();
  }

  /**
   * Waits for every worker to exit, after {@link #shutdown()} or {@link #terminate()} (Python's
   * {@code join()}).
   *
   * @throws IllegalStateException if the pool was not shut down first
   * @throws InterruptedException if interrupted while waiting
   */
  public void join() throws InterruptedException {
    if (!backend.isShutdown()) {
      throw new IllegalStateException("join() needs shutdown() or terminate() first, as in Python");
    }
    backend.awaitTermination(Duration.ofDays(365));
  }

  /** Cancels queued tasks and kills the workers now (Python's {@code terminate()}). */
  public void terminate() {
    backend.terminate();
  }

  /**
   * {@link #shutdown()} then {@link #join()}: waits for all submitted work (unlike Python's
   * {@code with Pool()}, which terminates). An interrupt while waiting terminates the pool.
   */
  @Override
  public void close() {
    backend.shutdown();
    try {
      backend.awaitTermination(Duration.ofDays(365));
    } catch (InterruptedException e) {
      backend.terminate();
      Thread.currentThread().interrupt();
    }
  }

  /** {@return the pids of this machine's worker processes alive now; empty for a cluster pool} */
  public List<Long> workerPids() {
    return backend.workerPids();
  }

  /**
   * {@return how many worker processes the pool keeps} For a cluster pool: the sum of the members'
   * workers when it connected.
   */
  public int processes() {
    return processes;
  }

  /** {@return whether the pool's tasks run on this machine (false for a cluster pool)} */
  public boolean isLocal() {
    return backend.isLocal();
  }

  PoolBackend backend() {
    return backend;
  }

  // --- internals ---

  <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout) {
    if (retries == 0) {
      return backend.submit(task, timeout);
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    attempt(task, timeout, result, backend.submit(task, timeout), 0);
    return result;
  }

  /**
   * Retries for a backend that does not retry by itself: a task whose worker died (on a cluster,
   * also one whose member left) runs again, up to {@code retries} times; timeouts and the task's
   * own exceptions are final.
   */
  private <R> void attempt(SerializableCallable<R> task, Duration timeout, CompletableFuture<R> result, CompletableFuture<R> running, int deaths) {
    result.whenComplete((r, e) -> {
      if (e instanceof CancellationException) {
        running.cancel(true);
      }
    });
    running.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable cause = unwrap(error);
      if (cause instanceof WorkerCrashedException && !(cause instanceof TaskTimeoutException) && deaths < retries && !result.isDone()) {
        CompletableFuture<R> next;
        try {
          next = backend.submit(task, timeout);
        } catch (RuntimeException e) {
          e.addSuppressed(cause);
          result.completeExceptionally(e);
          return;
        }
        attempt(task, timeout, result, next, deaths + 1);
      } else {
        result.completeExceptionally(cause);
      }
    });
  }

  private <R> R applyBlocking(SerializableCallable<R> task, Duration timeout) throws InterruptedException {
    if (backend instanceof LocalBackend local) {
      return local.applyBlocking(task, timeout);
    }
    return await(submit(task, timeout));
  }

  private static Throwable unwrap(Throwable e) {
    return LocalBackend.unwrap(e);
  }

  @SuppressWarnings("unchecked")
  private <T, R> CompletableFuture<List<R>> submitChunk(SerializableFunction<T, R> function, List<T> chunk) {
    SerializableCallable<List<R>> task =
        () -> {
          List<R> out = new ArrayList<>(chunk.size());
          for (T item : chunk) {
            out.add(function.apply(item));
          }
          return (List<R>) PackedNumberList.packIfNumbers(out); // numbers travel and arrive unboxed
        };
    if (retries == 0 && backend instanceof LocalBackend local) {
      // Only map's own assembly depends on a chunk's future: no callback to keep off the reader thread.
      return local.submit(task, taskTimeout, true);
    }
    return submit(task, taskTimeout);
  }

  /**
   * One future for the concatenation of the chunks' results, in chunk order. Each chunk is
   * appended as soon as it and all before it are in (on the thread delivering it), so the list is
   * complete when the last chunk arrives - assembling it all after the last one was a serial tail
   * of several ms per million items - and an appended chunk's own list can be dropped at once.
   * Failure as {@code allOf} gives it: once every chunk is done, the first failed one's exception.
   */
  private <R> CompletableFuture<List<R>> concatenated(List<CompletableFuture<List<R>>> chunks, int size) {
    Assembly<R> assembly = new Assembly<>(chunks, size);
    if (chunks.isEmpty()) {
      callbacks.execute(() -> assembly.result.complete(List.of()));
    }
    for (CompletableFuture<List<R>> chunk : chunks) {
      LocalBackend.whenDone(chunk, assembly::chunkDone);
    }
    return assembly.result;
  }

  /**
   * The in-order assembly behind {@link #concatenated}. While every part is a {@link
   * PackedNumberList} of one kind, the parts are copied into one primitive array and the result is
   * a packed list over it: a map of a million ints leaves one 4 MB array in the parent, not a
   * million boxes. The first part of any other shape unpacks what came before into a list.
   */
  private final class Assembly<R> {
    private final CompletableFuture<List<R>>[] chunks;
    private final int size;
    private final CompletableFuture<List<R>> result = new CompletableFuture<>();
    private PackedNumberList.Kind packedKind; // guarded by this; the kind of every part so far
    private Object packed; // guarded by this; int[] or long[] of size, while parts are packed
    private ArrayList<R> results; // guarded by this; once a part was not packed (or of another kind)
    private int count; // guarded by this; elements appended
    private int appended; // guarded by this
    private int done; // guarded by this

    @SuppressWarnings("unchecked")
    Assembly(List<CompletableFuture<List<R>>> chunks, int size) {
      this.chunks = chunks.toArray(CompletableFuture[]::new);
      this.size = size;
    }

    synchronized void chunkDone() {
      try {
        advance();
      } catch (RuntimeException | Error e) { // e.g. out of memory while appending: fail, never hang
        result.completeExceptionally(e);
      }
    }

    private void append(List<R> part) {
      if (results == null && part instanceof PackedNumberList p && (packedKind == null || packedKind == p.kind())
          && count + p.size() <= size) {
        if (packed == null) {
          packedKind = p.kind();
          packed = p.kind() == PackedNumberList.Kind.INT ? new int[size] : new long[size];
        }
        p.copyInto(packed, count);
        count += p.size();
        return;
      }
      if (results == null) {
        results = new ArrayList<>(size);
        if (packed != null) {
          results.addAll(packedList().subList(0, count));
        }
      }
      if (part instanceof java.util.RandomAccess) {
        for (int i = 0, n = part.size(); i < n; i++) { // addAll would copy each part first
          results.add(part.get(i));
        }
      } else {
        results.addAll(part);
      }
      count += part.size();
    }

    /** The packed array as a list (all {@code size} slots, filled up to {@code count}). */
    @SuppressWarnings("unchecked")
    private List<R> packedList() {
      return (List<R>) (packedKind == PackedNumberList.Kind.INT
          ? PackedNumberList.ofInts((int[]) packed)
          : PackedNumberList.ofLongs(packedKind, (long[]) packed));
    }

    private List<R> finished() {
      if (count != size) { // a chunk whose result has another size than the chunk: never silently
        throw new IllegalStateException("map assembled " + count + " results for " + size + " items");
      }
      if (results != null) {
        return java.util.Collections.unmodifiableList(results);
      }
      return packed == null ? List.of() : packedList();
    }

    private void advance() {
      done++;
      while (appended < chunks.length && chunks[appended].isDone() && !chunks[appended].isCompletedExceptionally()) {
        append(chunks[appended].join());
        chunks[appended++] = null; // its list is garbage now
      }
      if (done < chunks.length) {
        return;
      }
      if (appended == chunks.length) {
        List<R> all = finished();
        callbacks.execute(() -> result.complete(all)); // dependents of the map's future never run here
        return;
      }
      Throwable failure;
      try {
        chunks[appended].join();
        failure = new IllegalStateException("chunk " + appended + " neither failed nor was appended");
      } catch (CompletionException e) {
        failure = e.getCause();
      } catch (CancellationException e) {
        failure = e;
      }
      CompletionException wrapped = new CompletionException(failure); // as allOf reports it
      callbacks.execute(() -> result.completeExceptionally(wrapped));
    }
  }

  private int defaultChunksize(int items) {
    // Python: chunksize, extra = divmod(len(iterable), len(self._pool) * 4); if extra: chunksize += 1
    int slots = processes * 4;
    return Math.max(1, (items + slots - 1) / slots);
  }

  private static <R> R await(CompletableFuture<R> future) throws InterruptedException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw LocalBackend.unchecked(unwrap(e));
    }
  }

  /** The iterator behind imap and imapUnordered: lazy input, bounded window, adaptive chunks. */
  private final class LazyMap<T, R> implements Iterator<R> {
    private static final int MAX_ADAPTIVE_CHUNK = 8192;
    private static final long TARGET_CHUNK_NANOS = 20_000_000; // grow chunks while they return faster

    private final SerializableFunction<T, R> function;
    private final Iterator<T> input;
    private final boolean ordered;
    private final int fixedChunk;
    private final int window = Math.max(2, 2 * processes * concurrency);
    private final ArrayDeque<CompletableFuture<List<R>>> inOrder = new ArrayDeque<>();
    private final LinkedBlockingQueue<CompletableFuture<List<R>>> completed = new LinkedBlockingQueue<>();
    private int inFlight;
    private int adaptiveChunk = 1;
    private Iterator<R> current = java.util.Collections.emptyIterator();

    LazyMap(SerializableFunction<T, R> function, Iterator<T> input, int chunksize, boolean ordered) {
      this.function = Objects.requireNonNull(function, "function");
      this.input = input;
      this.fixedChunk = chunksize;
      this.ordered = ordered;
    }

    private void fill() {
      while (inFlight < window && input.hasNext()) {
        int size = fixedChunk > 0 ? fixedChunk : adaptiveChunk;
        ArrayList<T> chunk = new ArrayList<>(size);
        while (chunk.size() < size && input.hasNext()) {
          chunk.add(input.next());
        }
        long sent = System.nanoTime();
        CompletableFuture<List<R>> future = submitChunk(function, chunk);
        if (fixedChunk == 0) {
          future.thenRun(() -> adapt(System.nanoTime() - sent));
        }
        inFlight++;
        if (ordered) {
          inOrder.add(future);
        } else {
          future.whenComplete((r, e) -> completed.add(future));
        }
      }
    }

    private synchronized void adapt(long elapsedNanos) {
      if (elapsedNanos < TARGET_CHUNK_NANOS && adaptiveChunk < MAX_ADAPTIVE_CHUNK) {
        adaptiveChunk = Math.min(MAX_ADAPTIVE_CHUNK, adaptiveChunk * 2);
      }
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext()) {
        fill();
        if (inFlight == 0) {
          return false;
        }
        CompletableFuture<List<R>> next;
        try {
          next = ordered ? inOrder.poll() : completed.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted while waiting for a result");
        }
        inFlight--;
        try {
          current = await(next).iterator();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted while waiting for a result");
        }
      }
      return true;
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      R value = current.next();
      fill();
      return value;
    }
  }

  /**
   * Configures a {@link Pool}. Defaults: one worker per available processor; no initializer;
   * workers never recycled; one task at a time per worker; no retries; no task timeout; {@link
   * JavaSerializationCodec}; no extra JVM options.
   */
  public static final class Builder {
    private int processes = Runtime.getRuntime().availableProcessors();
    private SerializableRunnable initializer;
    private int maxTasksPerChild;
    private int concurrency = 1;
    private int retries;
    private Duration taskTimeout;
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private final List<String> jvmOptions = new ArrayList<>();
    private Class<? extends Codec> codec = JavaSerializationCodec.class;
    private String name;
    private PoolBackend backend;
    private String clusterUri;
    /** Settings that only a pool of this machine's worker JVMs can honour, as the user set them. */
    private final java.util.LinkedHashSet<String> localOnly = new java.util.LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets the number of worker JVMs.
     *
     * @param processes at least 1
     * @return this builder
     */
    public Builder processes(int processes) {
      if (processes < 1) {
        throw new IllegalArgumentException("processes must be >= 1, got " + processes);
      }
      this.processes = processes;
      localOnly.add("processes");
      return this;
    }

    /**
     * Sets code each worker runs once before any task (Python's {@code initializer}); if it throws,
     * the pool breaks with {@link PoolBrokenException}.
     *
     * @param initializer the initializer
     * @return this builder
     */
    public Builder initializer(SerializableRunnable initializer) {
      this.initializer = Objects.requireNonNull(initializer, "initializer");
      localOnly.add("initializer");
      return this;
    }

    /**
     * Replaces a worker after it has taken this many tasks (Python's {@code maxtasksperchild}); its
     * replacement starts before it retires.
     *
     * @param tasks at least 1
     * @return this builder
     */
    public Builder maxTasksPerChild(int tasks) {
      if (tasks < 1) {
        throw new IllegalArgumentException("maxTasksPerChild must be >= 1, got " + tasks);
      }
      this.maxTasksPerChild = tasks;
      localOnly.add("maxTasksPerChild");
      return this;
    }

    /**
     * Lets each worker run up to {@code tasks} tasks at once, on virtual threads — for I/O-bound
     * work (Python's "multiprocess and multi event loop").
     *
     * @param tasks at least 1
     * @return this builder
     */
    public Builder concurrencyPerWorker(int tasks) {
      if (tasks < 1) {
        throw new IllegalArgumentException("concurrencyPerWorker must be >= 1, got " + tasks);
      }
      this.concurrency = tasks;
      localOnly.add("concurrencyPerWorker");
      return this;
    }

    /**
     * Runs a task again, on another worker, when the worker running it dies (killed, crashed,
     * out of memory) — for idempotent tasks. A task whose worker died {@code retries + 1} times
     * fails with a {@link WorkerCrashedException} that calls it a likely poison task. Timeouts and
     * the task's own exceptions are never retried.
     *
     * @param retries at least 0 (the default)
     * @return this builder
     */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be >= 0, got " + retries);
      }
      this.retries = retries;
      return this;
    }

    /**
     * Sets a hard timeout for every task: past it, the worker is killed and replaced and the task
     * fails with {@link TaskTimeoutException}.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder taskTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("taskTimeout must be positive, got " + timeout);
      }
      this.taskTimeout = timeout;
      return this;
    }

    /**
     * Sets how long a worker may go without a sign of life before the pool kills and replaces it
     * (default 10 s). The pool asks every worker for a heartbeat four times per timeout; a worker
     * answers from its reader thread even while its tasks run, so only a worker that is stopped
     * ({@code SIGSTOP}), frozen in a very long GC pause, or wedged in a way that stops its reader
     * misses them. Its tasks then fail with a {@link WorkerCrashedException} saying so (or run
     * again, with {@link #retries}).
     *
     * @param timeout at least 100 ms
     * @return this builder
     */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be >= 100 ms, got " + timeout);
      }
      this.heartbeatTimeout = timeout;
      localOnly.add("heartbeatTimeout");
      return this;
    }

    /**
     * Adds JVM options for every worker.
     *
     * @param options e.g. {@code "-Xmx256m"}
     * @return this builder
     */
    public Builder jvmOptions(String... options) {
      for (String option : options) {
        if (option == null || option.isBlank()) {
          throw new IllegalArgumentException("JVM options must not be blank");
        }
        jvmOptions.add(option);
      }
      localOnly.add("jvmOptions");
      return this;
    }

    /**
     * Chooses the codec.
     *
     * @param codec a codec class with a public no-argument constructor
     * @return this builder
     */
    public Builder codec(Class<? extends Codec> codec) {
      Codecs.instantiate(codec.getName());
      this.codec = codec;
      localOnly.add("codec");
      return this;
    }

    /**
     * Names the pool; workers are named {@code name/worker-N} on their command lines.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * Runs the pool's tasks on {@code backend} instead of this machine's worker JVMs — the members
     * of a cluster, say ({@code ClusterPool.connect(...)} in {@code multiproc-hazelcast} calls this).
     * The pool owns the backend from then on: closing the pool shuts it down. Settings of the
     * worker JVMs themselves ({@link #processes}, {@link #initializer}, {@link #maxTasksPerChild},
     * {@link #concurrencyPerWorker}, {@link #heartbeatTimeout}, {@link #jvmOptions}, {@link
     * #codec}) belong to whoever starts those JVMs (for a cluster: {@code multiproc member
     * --workers N}); {@link #build()} rejects them rather than ignore them. {@link #taskTimeout},
     * {@link #name} and {@link #retries} apply (a retried task runs again on any member, also
     * after its member left the cluster: a {@link MemberLostException} counts as a worker death).
     *
     * @param backend a started backend
     * @return this builder
     */
    public Builder backend(PoolBackend backend) {
      if (clusterUri != null) {
        throw new IllegalStateException("cluster(\"" + clusterUri + "\") was already set; choose one backend");
      }
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Runs the pool's tasks on a cluster named by a URI, e.g. {@code
     * "hazelcast://10.0.0.5:5701,10.0.0.6:5701?cluster-name=analytics"}. The scheme selects a
     * {@link PoolBackendProvider} found with {@link ServiceLoader} (add {@code multiproc-hazelcast}
     * to the class path for {@code hazelcast://}); {@link #build()} connects. See {@link
     * #backend(PoolBackend)} for the settings a cluster pool rejects.
     *
     * @param uri the cluster's URI
     * @return this builder
     * @throws IllegalArgumentException if it is not a URI with a scheme
     */
    public Builder cluster(String uri) {
      URI parsed = URI.create(Objects.requireNonNull(uri, "uri"));
      if (parsed.getScheme() == null) {
        throw new IllegalArgumentException("cluster URI needs a scheme, e.g. hazelcast://127.0.0.1:5701?cluster-name=N; got " + uri);
      }
      if (backend != null) {
        throw new IllegalStateException("backend(...) was already set; choose one backend");
      }
      this.clusterUri = uri;
      return this;
    }

    /**
     * {@return the started pool}
     *
     * @throws IllegalArgumentException if a setting only a local pool honours was set for a
     *     cluster pool, or no provider handles the cluster URI's scheme
     */
    public Pool build() {
      if (backend == null && clusterUri == null) {
        return new Pool(this, null);
      }
      if (!localOnly.isEmpty()) {
        if (backend != null) {
          backend.terminate();
        }
        throw new IllegalArgumentException(
            "a cluster pool cannot honour " + String.join(", ", localOnly) + ": the members' worker JVMs are configured where"
                + " the members start (multiproc member --workers N ...); remove " + (localOnly.size() == 1 ? "it" : "them"));
      }
      return new Pool(this, backend != null ? backend : open(URI.create(clusterUri)));
    }

    private static PoolBackend open(URI uri) {
      List<String> known = new ArrayList<>();
      for (PoolBackendProvider provider : ServiceLoader.load(PoolBackendProvider.class)) {
        if (provider.scheme().equalsIgnoreCase(uri.getScheme())) {
          return provider.open(uri);
        }
        known.add(provider.scheme());
      }
      throw new IllegalArgumentException(
          "no backend for " + uri.getScheme() + "://" + (known.isEmpty() ? " (none is on the class path; add multiproc-hazelcast for hazelcast://)" : " (available: " + known + ")"));
    }
  }
}
