package dev.multiproc.internal.launch;

import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Overview: pre-started, pre-warmed worker JVMs — the JVM's answer to Python's forkserver.
 *
 * A JVM cannot fork, so "start" can only be made cheap by having started already. For each launch
 * spec we keep up to `count` workers that have connected, authenticated and run one warm-up task
 * (so lambda deserialization and the object streams are loaded and linked). Once a task has been
 * taken, replacements also decode (never run) a copy of the latest task, so the user's task
 * classes are loaded before the next one arrives. take() hands one out
 * and immediately starts a replacement in the background; if none is ready it launches cold, so
 * take() is never slower than a cold start.
 *
 * A standby worker that dies while waiting is dropped when its channel ends. Standby workers are
 * ordinary children: killed at exit by ChildRegistry, and by their own watchdogs if we die.
 */
/** Keeps pre-started worker JVMs ready per launch spec. */
public final class StandbyProcesses {
  private static final ConcurrentMap<LaunchSpec, StandbyProcesses> BY_SPEC = new ConcurrentHashMap<>();
  private static final AtomicLong STANDBY_NAMES = new AtomicLong();

  private final LaunchSpec spec;
  private final BlockingQueue<WorkerHandle> ready = new LinkedBlockingQueue<>();
  private final AtomicInteger target = new AtomicInteger();
  private final AtomicInteger starting = new AtomicInteger();
  private volatile byte[] sample;

  private StandbyProcesses(LaunchSpec spec) {
    this.spec = spec;
  }

  /**
   * Takes a ready worker for {@code spec}, keeping {@code count} on standby.
   *
   * @param spec the launch spec
   * @param count how many workers to keep ready
   * @param displayName the name for a cold-started worker if none is ready
   * @param sample an encoded task like the ones to come, decoded (never run) by replacements as
   *     they warm up; null if none
   * @return a connected worker with no listener
   */
  public static WorkerHandle take(LaunchSpec spec, int count, String displayName, byte[] sample) {
    StandbyProcesses standby = BY_SPEC.computeIfAbsent(spec, StandbyProcesses::new);
    standby.sample = sample;
    standby.target.accumulateAndGet(count, Math::max);
    WorkerHandle worker;
    while ((worker = standby.ready.poll()) != null) {
      if (worker.isAlive()) {
        standby.refill();
        return worker;
      }
    }
    standby.refill();
    return WorkerLauncher.launch(spec, displayName, null);
  }

  private void refill() {
    while (true) {
      int inFlight = starting.get();
      if (ready.size() + inFlight >= target.get()) {
        return;
      }
      if (starting.compareAndSet(inFlight, inFlight + 1)) {
        Thread.ofVirtual().name("multiproc-standby-refill").start(this::startOne);
      }
    }
  }

  private void startOne() {
    try {
      String name = ProcessHandle.current().pid() + "/standby-" + STANDBY_NAMES.incrementAndGet();
      WorkerHandle worker = WorkerLauncher.launch(spec, name, null);
      if (warmUp(worker)) {
        ready.add(worker);
      } else {
        worker.kill();
      }
    } catch (RuntimeException e) {
      // Could not start one now; the next take() launches cold and retries the refill.
    } finally {
      starting.decrementAndGet();
    }
  }

  /** Runs one throw-away task so class loading and linking happen now, not on the user's clock. */
  private boolean warmUp(WorkerHandle worker) {
    CompletableFuture<Boolean> warmed = new CompletableFuture<>();
    worker.listen(
        new WorkerHandle.Listener() {
          @Override
          public void onMessage(Message message) {
            warmed.complete(message instanceof TaskResult);
            if (message instanceof TaskFailure) {
              warmed.complete(false);
            }
          }

          @Override
          public void onChannelEnd(IOException error) {
            warmed.complete(false);
            ready.remove(worker);
          }
        });
    try {
      ValueEncoding encoding = new ValueEncoding(Codecs.instantiate(spec.codecClass()));
      worker.send(new RunTask(0, false, encoding.encode(WarmUp.task(spec.codecClass(), sample, false))));
      return warmed.get(spec.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return false;
    }
  }
}
