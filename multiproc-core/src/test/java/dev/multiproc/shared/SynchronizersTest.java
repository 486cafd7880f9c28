package dev.multiproc.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.TaskFailedException;
import dev.multiproc.testing.NoLeftoverSegments;
import dev.multiproc.testing.NoStrayChildren;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Semaphore, Event, Condition and Barrier across processes: hand-offs, timeouts, a dead party. */
@ExtendWith({NoStrayChildren.class, NoLeftoverSegments.class})
class SynchronizersTest {

  /** A permit released by a child is taken by the parent; a bounded semaphore refuses extra releases. */
  @Test
  void semaphore_acrossProcesses_andBound() throws Exception {
    try (ProcessSemaphore s = ProcessSemaphore.create(0);
        ProcessSemaphore bounded = ProcessSemaphore.createBounded(1)) {
      assertThat(s.tryAcquire(Duration.ofMillis(50))).isFalse();
      ChildProcess<Void> p =
          ChildProcess.of(
              () -> {
                Thread.sleep(100);
                s.release();
              });
      p.start();
      assertThat(s.tryAcquire(Duration.ofSeconds(30))).isTrue();
      p.result();
      assertThat(bounded.tryAcquire()).isTrue();
      assertThat(bounded.tryAcquire()).isFalse();
      bounded.release();
      assertThatThrownBy(bounded::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("released too many times");
      assertThat(bounded.availablePermits()).isEqualTo(1);
    }
  }

  /** Three processes contending for a 2-permit semaphore never have more than two inside. */
  @Test
  void semaphore_boundsConcurrencyAcrossProcesses() throws Exception {
    try (ProcessSemaphore slots = ProcessSemaphore.create(2);
        SharedInt inside = SharedInt.create(0);
        SharedInt most = SharedInt.create(0)) {
      List<ChildProcess<Void>> children = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        ChildProcess<Void> p =
            ChildProcess.of(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    slots.acquire();
                    try {
                      int now = inside.incrementAndGet();
                      for (int seen = most.get(); now > seen && !most.compareAndSet(seen, now); seen = most.get()) {
                        Thread.onSpinWait();
                      }
                      inside.addAndGet(-1);
                    } finally {
                      slots.release();
                    }
                  }
                });
        p.start();
        children.add(p);
      }
      for (ChildProcess<Void> p : children) {
        p.result();
      }
      assertThat(most.get()).isBetween(1, 2);
      assertThat(slots.availablePermits()).isEqualTo(2);
    }
  }

  /** A child waiting on an event proceeds when the parent sets it; await with a timeout reports false. */
  @Test
  void event_wakesWaitingChild() throws Exception {
    try (ProcessEvent go = ProcessEvent.create();
        SharedLong wokeAt = SharedLong.create(0)) {
      assertThat(go.await(Duration.ofMillis(50))).isFalse();
      ChildProcess<Boolean> p =
          ChildProcess.of(
              () -> {
                boolean set = go.await(Duration.ofSeconds(30));
                wokeAt.set(System.currentTimeMillis());
                return set;
              });
      p.start();
      Thread.sleep(300);
      assertThat(wokeAt.get()).isZero();
      go.set();
      assertThat(p.result()).isTrue();
      assertThat(go.isSet()).isTrue();
      go.clear();
      assertThat(go.isSet()).isFalse();
    }
  }

  /** A set() followed at once by clear() still releases a waiter that was waiting (a pulse is not lost). */
  @Test
  void event_pulseReleasesWaiter() throws Exception {
    try (ProcessEvent pulse = ProcessEvent.create()) {
      java.util.concurrent.CompletableFuture<Boolean> woke = new java.util.concurrent.CompletableFuture<>();
      Thread waiter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      woke.complete(pulse.await(Duration.ofSeconds(30)));
                    } catch (InterruptedException e) {
                      woke.completeExceptionally(e);
                    }
                  });
      Thread.sleep(200);
      pulse.set();
      pulse.clear();
      assertThat(woke.get(10, TimeUnit.SECONDS)).isTrue();
      waiter.join();
      assertThat(pulse.isSet()).isFalse();
    }
  }

  /** Producer in a child, consumer in the parent: await returns once the state the predicate wants is signalled. */
  @Test
  void condition_acrossProcesses() throws Exception {
    try (ProcessReentrantLock lock = ProcessReentrantLock.create();
        SharedInt items = SharedInt.create(0)) {
      ProcessCondition changed = lock.newCondition();
      try (changed) {
        ChildProcess<Void> producer =
            ChildProcess.of(
                () -> {
                  for (int i = 0; i < 3; i++) {
                    Thread.sleep(50);
                    lock.lock();
                    try {
                      items.incrementAndGet();
                      changed.signalAll();
                    } finally {
                      lock.unlock();
                    }
                  }
                });
        lock.lock();
        try {
          producer.start();
          assertThat(changed.awaitUntil(() -> items.get() == 3, Duration.ofSeconds(30))).isTrue();
        } finally {
          lock.unlock();
        }
        producer.result();
        assertThatThrownBy(changed::signal).isInstanceOf(IllegalMonitorStateException.class);
      }
    }
  }

  /** Many virtual threads wait on one condition (polling, never in the kernel); signalAll releases all. */
  @Test
  void condition_manyVirtualThreadWaiters() throws Exception {
    try (ProcessReentrantLock lock = ProcessReentrantLock.create();
        SharedInt go = SharedInt.create(0)) {
      ProcessCondition ready = lock.newCondition();
      try (ready;
          java.util.concurrent.ExecutorService vts = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        List<java.util.concurrent.Future<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          waiters.add(
              vts.submit(
                  () -> {
                    lock.lock();
                    try {
                      return ready.awaitUntil(() -> go.get() == 1, Duration.ofSeconds(30));
                    } finally {
                      lock.unlock();
                    }
                  }));
        }
        Thread.sleep(200);
        lock.lock();
        try {
          go.set(1);
          ready.signalAll();
        } finally {
          lock.unlock();
        }
        for (java.util.concurrent.Future<Boolean> w : waiters) {
          assertThat(w.get(30, TimeUnit.SECONDS)).isTrue();
        }
      }
    }
  }

  /** Parties in three processes pass the barrier together, twice; arrival indexes are 0..2. */
  @Test
  void barrier_acrossProcesses_isCyclic() throws Exception {
    try (ProcessBarrier barrier = ProcessBarrier.create(3)) {
      ChildProcess<Integer> a = ChildProcess.of(() -> barrier.await(Duration.ofSeconds(30)) + 10 * barrier.await(Duration.ofSeconds(30)));
      ChildProcess<Integer> b = ChildProcess.of(() -> barrier.await(Duration.ofSeconds(30)) + 10 * barrier.await(Duration.ofSeconds(30)));
      a.start();
      b.start();
      int mine = barrier.await(Duration.ofSeconds(30)) + 10 * barrier.await(Duration.ofSeconds(30));
      int[] indexes = {mine, a.result(), b.result()};
      assertThat(new int[] {indexes[0] % 10, indexes[1] % 10, indexes[2] % 10}).containsExactlyInAnyOrder(0, 1, 2);
      assertThat(new int[] {indexes[0] / 10, indexes[1] / 10, indexes[2] / 10}).containsExactlyInAnyOrder(0, 1, 2);
      assertThat(barrier.isBroken()).isFalse();
    }
  }

  /** A timed-out wait breaks the barrier for everyone until reset. */
  @Test
  void barrier_timeoutBreaks_resetRepairs() throws Exception {
    try (ProcessBarrier barrier = ProcessBarrier.create(2)) {
      assertThatThrownBy(() -> barrier.await(Duration.ofMillis(100))).isInstanceOf(TimeoutException.class);
      assertThat(barrier.isBroken()).isTrue();
      assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class);
      barrier.reset();
      assertThat(barrier.isBroken()).isFalse();
      ChildProcess<Integer> other = ChildProcess.of(() -> barrier.await(Duration.ofSeconds(30)));
      other.start();
      int mine = barrier.await(Duration.ofSeconds(30));
      assertThat(mine + other.result()).isEqualTo(1);
    }
  }

  /** kill -9 of a party waiting at the barrier breaks it for the others, instead of a hang. */
  @Test
  void barrier_partyKilled_breaksForOthers() throws Exception {
    try (ProcessBarrier barrier = ProcessBarrier.create(4)) {
      ChildProcess<Integer> victim = ChildProcess.of(() -> barrier.await());
      ChildProcess<Integer> survivor = ChildProcess.of(() -> barrier.await(Duration.ofSeconds(30)));
      victim.start();
      survivor.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (barrier.numberWaiting() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(barrier.numberWaiting()).isEqualTo(2);
        victim.kill();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> barrier.await(Duration.ofSeconds(30)))
            .isInstanceOf(BrokenBarrierException.class)
            .hasMessageContaining("process " + victim.pid().getAsLong());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
        assertThatThrownBy(survivor::result).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(BrokenBarrierException.class);
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        assertThatThrownBy(() -> barrier.await(Duration.ofMillis(100))).isInstanceOf(TimeoutException.class);
      } finally {
        victim.kill();
        survivor.kill();
      }
    }
  }
}
