package dev.multiproc.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.testing.NoLeftoverSegments;
import dev.multiproc.testing.NoStrayChildren;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ProcessLock and ProcessReentrantLock: exclusion across threads and processes, timeouts, owner death. */
@ExtendWith({NoStrayChildren.class, NoLeftoverSegments.class})
class ProcessLockTest {

  /** Threads of one process exclude each other: no lost update among 4 threads x 200,000. */
  @Test
  void mutualExclusion_betweenThreads() throws Exception {
    try (ProcessLock lock = ProcessLock.create()) {
      long[] counter = {0};
      try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          done.add(
              threads.submit(
                  () -> {
                    for (int i = 0; i < 200_000; i++) {
                      lock.lock();
                      try {
                        counter[0]++;
                      } finally {
                        lock.unlock();
                      }
                    }
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      assertThat(counter[0]).isEqualTo(800_000);
    }
  }

  /** Plain (non-atomic) writes to shared memory under the lock from two processes lose nothing. */
  @Test
  void mutualExclusion_betweenProcesses_guardsPlainMemory() throws Exception {
    try (ProcessLock lock = ProcessLock.create();
        SharedMemory shm = SharedMemory.create(8)) {
      int n = 500_000;
      List<ChildProcess<Void>> children = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        ChildProcess<Void> p =
            ChildProcess.of(
                () -> {
                  var mem = shm.segment();
                  for (int i = 0; i < n; i++) {
                    lock.lock();
                    try {
                      mem.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, mem.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) + 1);
                    } finally {
                      lock.unlock();
                    }
                  }
                });
        p.start();
        children.add(p);
      }
      for (ChildProcess<Void> p : children) {
        p.result();
      }
      assertThat(shm.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).isEqualTo(2L * n);
    }
  }

  /** tryLock with a timeout gives up while another process holds the lock, and unlock by a non-owner is refused. */
  @Test
  void timeouts_andOwnership() throws Exception {
    try (ProcessLock lock = ProcessLock.create();
        ProcessEvent held = ProcessEvent.create();
        ProcessEvent release = ProcessEvent.create()) {
      ChildProcess<Void> holder =
          ChildProcess.of(
              () -> {
                lock.lock();
                held.set();
                release.await(Duration.ofSeconds(30));
                lock.unlock();
              });
      holder.start();
      try {
        assertThat(held.await(Duration.ofSeconds(30))).isTrue();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.ownerPid()).isEqualTo(holder.pid().getAsLong());
        long t0 = System.nanoTime();
        assertThat(lock.tryLock(Duration.ofMillis(200))).isEqualTo(LockAcquisition.TIMED_OUT);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
        assertThat(lock.tryLock()).isFalse();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        release.set();
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lock.previousOwnerDied()).isFalse();
        assertThatThrownBy(lock::lock).isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");
        lock.unlock();
        holder.result();
      } finally {
        holder.kill();
      }
    }
  }

  /** kill -9 of the holder: a waiter blocked in lock() gets the lock and is told the owner died. */
  @Test
  void ownerKilled_waiterGetsLockAndIsTold() throws Exception {
    try (ProcessLock lock = ProcessLock.create();
        ProcessEvent held = ProcessEvent.create()) {
      ChildProcess<Void> holder =
          ChildProcess.of(
              () -> {
                lock.lock();
                held.set();
                Thread.sleep(60_000);
              });
      holder.start();
      try {
        assertThat(held.await(Duration.ofSeconds(30))).isTrue();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread killer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        waiting.await();
                        Thread.sleep(100);
                        holder.kill();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
        waiting.countDown();
        long t0 = System.nanoTime();
        lock.lock(); // blocks until the holder is killed
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        killer.join();
        assertThat(lock.previousOwnerDied()).as("owner-died signal after %d ms", waitedMillis).isTrue();
        assertThat(waitedMillis).isLessThan(5_000);
        lock.unlock();
        assertThat(lock.tryLock(Duration.ofSeconds(1))).isEqualTo(LockAcquisition.ACQUIRED);
        assertThat(lock.previousOwnerDied()).isFalse();
        lock.unlock();
      } finally {
        holder.kill();
      }
    }
  }

  /** kill -9 of a child holding a value's lock: a waiting child process gets it with ACQUIRED_OWNER_DIED. */
  @Test
  void ownerKilled_waitingChildProcessIsTold() throws Exception {
    try (SharedInt value = SharedInt.create(0);
        ProcessEvent held = ProcessEvent.create()) {
      ChildProcess<Void> holder =
          ChildProcess.of(
              () -> {
                value.getLock().lock();
                held.set();
                Thread.sleep(60_000);
              });
      holder.start();
      ChildProcess<String> waiter = null;
      try {
        assertThat(held.await(Duration.ofSeconds(30))).isTrue();
        waiter = ChildProcess.of(() -> value.getLock().tryLock(Duration.ofSeconds(30)).name());
        waiter.start();
        Thread.sleep(300);
        holder.kill();
        assertThat(waiter.result()).isEqualTo("ACQUIRED_OWNER_DIED");
      } finally {
        holder.kill();
        if (waiter != null) {
          waiter.kill();
        }
      }
    }
  }

  /** lockInterruptibly and tryLock(Duration) answer an interrupt promptly while sleeping on the futex. */
  @Test
  void interrupt_endsAWait() throws Exception {
    try (ProcessLock lock = ProcessLock.create()) {
      lock.lock();
      try {
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread waiter =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        lock.lockInterruptibly();
                        outcome.complete(null);
                      } catch (Throwable e) {
                        outcome.complete(e);
                      }
                    });
        Thread.sleep(200); // long past the spin: asleep in the kernel
        long t0 = System.nanoTime();
        waiter.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
        waiter.join();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> lock.tryLock(Duration.ofSeconds(5))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
      } finally {
        lock.unlock();
      }
    }
  }

  /** The reentrant lock counts holds; a condition wait releases all of them. */
  @Test
  void reentrantLock_nestsAndConditionReleasesAllHolds() throws Exception {
    try (ProcessReentrantLock lock = ProcessReentrantLock.create()) {
      ProcessCondition cond = lock.newCondition();
      try (cond) {
        lock.lock();
        lock.lock();
        Thread other =
            Thread.ofPlatform()
                .start(
                    () -> {
                      lock.lock();
                      try {
                        cond.signalAll();
                      } finally {
                        lock.unlock();
                      }
                    });
        assertThat(cond.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
        other.join();
      }
    }
  }

  /**
   * Virtual threads blocked on a lock held by another process do not pin their carriers: with one
   * carrier, another virtual thread still runs while three wait. (Were they pinned, it could only
   * run after the parent's unlock, which waits for it: the child's 5 s timeout would fire.)
   */
  @Test
  void virtualThreadWaiters_doNotPinCarriers() throws Exception {
    try (ProcessLock lock = ProcessLock.create();
        ProcessEvent measured = ProcessEvent.create()) {
      lock.lock();
      ChildProcess<String> child =
          ChildProcess.builder(
                  () -> {
                    try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                      List<Future<Boolean>> blocked = new ArrayList<>();
                      for (int i = 0; i < 3; i++) {
                        blocked.add(vts.submit(() -> lock.tryLock(Duration.ofSeconds(20)).acquired() && unlock(lock)));
                      }
                      Thread.sleep(200);
                      int answer = vts.submit(() -> 42).get(5, TimeUnit.SECONDS);
                      measured.set();
                      int acquired = 0;
                      for (Future<Boolean> f : blocked) {
                        acquired += f.get() ? 1 : 0;
                      }
                      return "other virtual thread answered " + answer + ", waiters that got the lock: " + acquired;
                    }
                  })
              .jvmOptions("-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1")
              .build();
      child.start();
      try {
        assertThat(measured.await(Duration.ofSeconds(30))).as("the other virtual thread ran while the waiters waited").isTrue();
        lock.unlock();
        assertThat(child.result()).isEqualTo("other virtual thread answered 42, waiters that got the lock: 3");
      } finally {
        if (lock.isHeldByCurrentThread()) {
          lock.unlock();
        }
        child.kill();
      }
    }
  }

  private static boolean unlock(ProcessLock lock) {
    lock.unlock();
    return true;
  }
}
