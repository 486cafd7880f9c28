package dev.multiproc;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.internal.codec.RemoteFailures;
import dev.multiproc.internal.codec.ValueEncoding;
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
 * tasks here (so a task that cannot be serialized fails at submission, nothing queued), decodes
 * results and rebuilds remote exceptions on virtual threads, never on the delivery thread.
 */
final class LocalBackend implements PoolBackend {
  private final PoolEngine engine;
  private final ValueEncoding encoding;
  private final int processes;
  private final Executor callbacks = runnable -> Thread.ofVirtual().name("multiproc-callback").start(runnable);
  /**
   * Futures handed out and not yet completed. Results reach them through a hop to a callback
   * thread, after the engine has finished with the task: termination waits for these too, so a
   * caller that saw {@code awaitTermination} return true finds every future completed.
   */
  private final Object undeliveredLock = new Object();
  private long undelivered;

  LocalBackend(PoolEngine engine, ValueEncoding encoding, int processes) {
    this.engine = engine;
    this.encoding = encoding;
    this.processes = processes;
  }

  @Override
  public <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout) {
    Objects.requireNonNull(task, "task");
    byte[] payload = encoding.encode(task); // not serializable: fails here, nothing queued
    CompletableFuture<byte[]> raw = engine.submit(payload, timeout);
    CompletableFuture<R> result = new CompletableFuture<>();
    synchronized (undeliveredLock) {
      undelivered++;
    }
    raw.whenCompleteAsync(
        (bytes, error) -> {
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
        },
        callbacks);
    result.whenComplete(
        (r, e) -> {
          synchronized (undeliveredLock) {
            if (--undelivered == 0) {
              undeliveredLock.notifyAll();
            }
          }
          if (e instanceof CancellationException) {
            raw.cancel(true);
          }
        });
    return result;
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
      bytes = raw.get();
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
      while (undelivered > 0) {
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
    synchronized (undeliveredLock) {
      return undelivered == 0;
    }
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
