package dev.multiproc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.internal.queue.SpillFiles;
import dev.multiproc.testing.NoLeftoverSegments;
import dev.multiproc.testing.NoStrayChildren;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ProcessQueue's contract in one process, then with real child processes. */
@ExtendWith({NoStrayChildren.class, NoLeftoverSegments.class})
class ProcessQueueTest {

  @AfterAll
  static void noSpillFilesLeft() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!spillFiles().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(spillFiles()).as("queue item files left in /dev/shm").isEmpty();
  }

  static List<String> spillFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(SpillFiles.PREFIX)).toList();
    }
  }

  /** FIFO order, exact size, peek, timeouts, nowait variants and the item limit, in one process. */
  @Test
  @SuppressWarnings("try") // closing inside the block is what is tested
  void blockingQueueContract_singleProcess() throws Exception {
    try (ProcessQueue<Object> q = ProcessQueue.create(3)) {
      assertThat(q.isEmpty()).isTrue();
      assertThat(q.poll()).isNull();
      assertThat(q.poll(Duration.ofMillis(30))).isNull();
      assertThatThrownBy(q::getNowait).isInstanceOf(NoSuchElementException.class);
      q.put("a");
      assertThat(q.offer(List.of(1, 2))).isTrue();
      q.putNowait(42L);
      assertThat(q.size()).isEqualTo(3);
      assertThat(q.isFull()).isTrue();
      assertThat(q.remainingCapacity()).isZero();
      assertThat(q.offer("x")).isFalse();
      assertThat(q.offer("x", 30, TimeUnit.MILLISECONDS)).isFalse();
      assertThatThrownBy(() -> q.add("x")).isInstanceOf(IllegalStateException.class);
      assertThat(q.peek()).isEqualTo("a");
      assertThat(q.take()).isEqualTo("a");
      assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(List.of(1, 2));
      assertThat(q.getNowait()).isEqualTo(42L);
      assertThat(q.size()).isZero();
      assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(q::iterator).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("drainTo");
      assertThatThrownBy(() -> q.contains("a")).isInstanceOf(UnsupportedOperationException.class);
      q.addAll(List.of("p", "q"));
      List<Object> sink = new ArrayList<>();
      assertThat(q.drainTo(sink)).isEqualTo(2);
      assertThat(sink).containsExactly("p", "q");
      q.close();
      assertThatThrownBy(() -> q.put("late")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }

  /** A blocked take is released by a put from another thread; a blocked put by a take; virtual threads too. */
  @Test
  void blockedCallsReleasedAcrossThreads() throws Exception {
    try (ProcessQueue<Integer> q = ProcessQueue.create(1)) {
      Thread consumer = Thread.ofVirtual().start(() -> {
        try {
          q.put(q.take() + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Thread.sleep(50);
      q.put(1);
      consumer.join(10_000);
      assertThat(q.take()).isEqualTo(2);
      q.put(7);
      Thread producer = Thread.ofPlatform().start(() -> {
        try {
          q.put(8); // waits: the limit is 1
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Thread.sleep(50);
      assertThat(producer.isAlive()).isTrue();
      assertThat(q.take()).isEqualTo(7);
      producer.join(10_000);
      assertThat(q.take()).isEqualTo(8);
      Thread waiter = Thread.ofPlatform().start(() -> {
        try {
          q.take();
        } catch (InterruptedException e) {
          // expected
        }
      });
      Thread.sleep(50);
      waiter.interrupt();
      waiter.join(5_000);
      assertThat(waiter.isAlive()).isFalse();
    }
  }

  /** 3 producer processes x 2 consumer processes pass 1,000,000 items: each arrives exactly once. */
  @Test
  void producersAndConsumers_millionItems_noneLostOrDuplicated() throws Exception {
    int producers = 3;
    int consumers = 2;
    int perProducer = 1_000_000 / producers + 1;
    int total = perProducer * producers;
    try (ProcessQueue<Integer> q = ProcessQueue.create(0, 1 << 20);
        dev.multiproc.shared.SharedIntArray seen = dev.multiproc.shared.SharedIntArray.create(total)) {
      List<ChildProcess<Integer>> cs = new ArrayList<>();
      for (int c = 0; c < consumers; c++) {
        ChildProcess<Integer> consumer = ChildProcess.of(() -> {
          int n = 0;
          for (int v; (v = q.take()) >= 0; n++) {
            seen.incrementAndGet(v);
          }
          return n;
        });
        consumer.start();
        cs.add(consumer);
      }
      List<ChildProcess<Void>> ps = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        ChildProcess<Void> producer = ChildProcess.of(() -> {
          for (int i = 0; i < perProducer; i++) {
            q.put(base + i);
          }
        });
        producer.start();
        ps.add(producer);
      }
      for (ChildProcess<Void> p : ps) {
        p.result();
      }
      for (int c = 0; c < consumers; c++) {
        q.put(-1);
      }
      int received = 0;
      for (ChildProcess<Integer> c : cs) {
        received += c.result();
      }
      assertThat(received).isEqualTo(total);
      int[] counts = seen.toArray();
      for (int i = 0; i < total; i++) {
        if (counts[i] != 1) {
          throw new AssertionError("item " + i + " arrived " + counts[i] + " times");
        }
      }
      assertThat(q.size()).isZero();
      assertThat(q.lostItems()).isZero();
    }
  }

  /**
   * A producer killed with SIGKILL in the middle of a stream of 64 KB items never blocks the queue:
   * its items arrive in order without duplicates up to where it died (at most the one being written
   * is lost), and another producer's items all arrive afterwards.
   */
  @Test
  void producerKilledMidStream_queueKeepsWorking() throws Exception {
    try (ProcessQueue<int[]> q = ProcessQueue.create(0, 4 << 20)) {
      ChildProcess<Void> victim = ChildProcess.of(() -> {
        for (int i = 0; ; i++) {
          int[] item = new int[16 * 1024];
          item[0] = 0;
          item[1] = i;
          item[item.length - 1] = i;
          q.put(item);
        }
      });
      victim.start();
      int next = 0;
      while (next < 300) {
        int[] item = q.take();
        assertThat(item[1]).isEqualTo(next);
        next++;
      }
      victim.kill(); // the ring is full by now: it dies in put, most likely waiting or copying
      victim.join();
      ChildProcess<Void> survivor = ChildProcess.of(() -> {
        for (int i = 0; i < 500; i++) {
          int[] item = new int[16 * 1024];
          item[0] = 1;
          item[1] = i;
          item[item.length - 1] = i;
          q.put(item);
        }
        q.put(new int[] {2});
      });
      survivor.start();
      int survivorNext = 0;
      for (int[] item = q.poll(Duration.ofSeconds(30)); ; item = q.poll(Duration.ofSeconds(30))) {
        assertThat(item).as("the queue delivered nothing for 30 s").isNotNull();
        if (item[0] == 2) {
          break;
        }
        assertThat(item[item.length - 1]).as("a torn item").isEqualTo(item[1]);
        if (item[0] == 0) {
          assertThat(item[1]).as("victim's items in order, no duplicates").isEqualTo(next++);
        } else {
          assertThat(item[1]).isEqualTo(survivorNext++);
        }
      }
      survivor.result();
      assertThat(survivorNext).isEqualTo(500);
      assertThat(q.lostItems()).isLessThanOrEqualTo(1);
      assertThat(q.poll()).isNull();
    }
  }

  /** A child that put 100 MB exits before the parent reads any of it (no feeder thread to wait for); the parent then gets it all. */
  @Test
  void childPuts100MB_exitsBeforeDrain() throws Exception {
    try (ProcessQueue<byte[]> q = ProcessQueue.create()) {
      ChildProcess<Void> producer = ChildProcess.of(() -> {
        for (int i = 0; i < 100; i++) {
          byte[] mb = new byte[1 << 20];
          java.util.Arrays.fill(mb, (byte) i);
          q.put(mb);
        }
        for (int i = 0; i < 10_000; i++) {
          q.put(new byte[] {(byte) i}); // small ones too, in the ring itself
        }
      });
      producer.start();
      assertThat(producer.join(Duration.ofSeconds(45))).as("the producer exits without anyone draining").isTrue();
      assertThat(producer.exitCode()).hasValue(0);
      assertThat(q.size()).isEqualTo(10_100);
      for (int i = 0; i < 100; i++) {
        byte[] mb = q.take();
        assertThat(mb).hasSize(1 << 20);
        assertThat(mb[0]).isEqualTo((byte) i);
        assertThat(mb[mb.length - 1]).isEqualTo((byte) i);
      }
      for (int i = 0; i < 10_000; i++) {
        assertThat(q.take()).containsExactly((byte) i);
      }
      assertThat(q.isEmpty()).isTrue();
    }
    assertThat(spillFiles()).isEmpty();
  }

  /** Items left in a queue when its last user closes it are removed, large ones' files included. */
  @Test
  void closeByLastUser_removesLeftItems() throws Exception {
    ProcessQueue<byte[]> q = ProcessQueue.create();
    q.put(new byte[2 << 20]);
    assertThat(spillFiles()).hasSize(1);
    q.close();
    assertThat(spillFiles()).isEmpty();
  }

  /** JoinableProcessQueue: join() returns once a consumer process marked every item done; extra taskDone() is an error. */
  @Test
  void joinable_joinWaitsForTaskDone() throws Exception {
    try (JoinableProcessQueue<String> q = JoinableProcessQueue.create();
        dev.multiproc.shared.SharedInt handled = dev.multiproc.shared.SharedInt.create(0)) {
      for (int i = 0; i < 20; i++) {
        q.put("job" + i);
      }
      assertThat(q.join(Duration.ofMillis(50))).isFalse();
      ChildProcess<Void> worker = ChildProcess.of(() -> {
        for (int i = 0; i < 20; i++) {
          q.take();
          Thread.sleep(2);
          handled.incrementAndGet();
          q.taskDone();
        }
      });
      worker.start();
      q.join();
      assertThat(handled.get()).isEqualTo(20);
      assertThat(q.unfinishedTasks()).isZero();
      assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
      worker.result();
    }
  }

  /** SimpleProcessQueue passes items from a child and back. */
  @Test
  void simpleQueue_acrossProcesses() throws Exception {
    try (SimpleProcessQueue<String> in = SimpleProcessQueue.create();
        SimpleProcessQueue<String> out = SimpleProcessQueue.create()) {
      ChildProcess<Void> echo = ChildProcess.of(() -> out.put(in.get().toUpperCase()));
      echo.start();
      assertThat(out.isEmpty()).isTrue();
      in.put("hello");
      assertThat(out.get()).isEqualTo("HELLO");
      echo.result();
    }
  }
}
