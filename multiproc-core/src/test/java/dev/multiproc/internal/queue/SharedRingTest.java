package dev.multiproc.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.internal.shm.ProcessIdentity;
import dev.multiproc.internal.shm.WaitStrategy;
import dev.multiproc.shared.SharedMemory;
import dev.multiproc.testing.NoLeftoverSegments;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ring's recovery from a writer that died between its claim and its publication, and wrap-around. */
@ExtendWith(NoLeftoverSegments.class)
class SharedRingTest {
  /** A pid above Linux's maximum (2^22): never a live process. */
  private static final long DEAD = new ProcessIdentity(4_194_400L, 12345).packed();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static SharedRing ring(SharedMemory memory, int maxItems) {
    SharedRing.initialize(memory.segment(), 4096, maxItems, 0);
    return new SharedRing(memory.segment(), "multiproc-qspill-ringtest-");
  }

  private static long waitMillis(long ms) {
    return Duration.ofMillis(ms).toNanos();
  }

  /** A record left half-written by a dead writer is skipped and counted; items before and after it arrive, a joinable count is settled. */
  @Test
  void deadWriter_recordSkipped_othersDelivered() throws Exception {
    try (SharedMemory memory = SharedMemory.create(SharedRing.bytesFor(4096))) {
      MemorySegment m = memory.segment();
      SharedRing ring = ring(memory, 0);
      assertThat(ring.offer(bytes("before"), WaitStrategy.timed(0, false), true, false)).isTrue();
      long offset = ring.claim(RingDescriptor.HEADER_BYTES + 5, RingDescriptor.ITEM, WaitStrategy.timed(0, false), false);
      m.set(ValueLayout.JAVA_INT, RingDescriptor.UNFINISHED, 2); // as a joinable put counts: "before" and the dead one
      assertThat(ring.offer(bytes("after"), WaitStrategy.timed(0, false), true, false)).isTrue();
      assertThat(ring.unfinishedTasks()).isEqualTo(3);

      assertThat(string(ring.poll(WaitStrategy.timed(waitMillis(1000), true), false))).isEqualTo("before");
      // The claimed record's writer (this process) is alive: the ring waits for it.
      assertThat(ring.poll(WaitStrategy.timed(waitMillis(100), true), false)).isNull();
      assertThat(ring.lostRecords()).isZero();
      // Now make it look like the writer was killed mid-record.
      m.set(ValueLayout.JAVA_LONG, RingDescriptor.CONTROL_BYTES + offset + RingDescriptor.WRITER_OFFSET, DEAD);
      assertThat(string(ring.poll(WaitStrategy.timed(waitMillis(5000), true), false))).isEqualTo("after");
      assertThat(ring.lostRecords()).isEqualTo(1);
      assertThat(ring.unfinishedTasks()).isEqualTo(2); // the lost item counts as done
      assertThat(ring.size()).isZero();
    }
  }

  /** Records of varied sizes wrap around a small ring many times and come out intact and in order. */
  @Test
  void wrapAround_keepsOrderAndContent() throws Exception {
    try (SharedMemory memory = SharedMemory.create(SharedRing.bytesFor(4096))) {
      SharedRing ring = ring(memory, 0);
      for (int round = 0; round < 2000; round++) {
        int n = round % 7 + 1;
        for (int i = 0; i < n; i++) {
          String s = round + ":" + i + ":" + "x".repeat((round * 31 + i * 17) % 300);
          assertThat(ring.offer(bytes(s), WaitStrategy.timed(0, false), false, false)).as("room for %s", s.length()).isTrue();
        }
        for (int i = 0; i < n; i++) {
          String s = string(ring.poll(WaitStrategy.timed(0, false), false));
          assertThat(s).startsWith(round + ":" + i + ":").hasSize((round + ":" + i + ":").length() + (round * 31 + i * 17) % 300);
        }
      }
      assertThat(ring.size()).isZero();
    }
  }

  /** An item limit makes offer fail when reached; taking one admits one more. */
  @Test
  void itemLimit() throws Exception {
    try (SharedMemory memory = SharedMemory.create(SharedRing.bytesFor(4096))) {
      SharedRing ring = ring(memory, 2);
      assertThat(ring.offer(bytes("1"), WaitStrategy.timed(0, false), false, false)).isTrue();
      assertThat(ring.offer(bytes("2"), WaitStrategy.timed(0, false), false, false)).isTrue();
      assertThat(ring.remainingItems()).isZero();
      assertThat(ring.offer(bytes("3"), WaitStrategy.timed(waitMillis(50), true), false, false)).isFalse();
      assertThat(string(ring.poll(WaitStrategy.timed(0, false), false))).isEqualTo("1");
      assertThat(ring.offer(bytes("3"), WaitStrategy.timed(0, false), false, false)).isTrue();
      assertThat(ring.size()).isEqualTo(2);
    }
  }

  /**
   * A producer and a consumer killed while holding the ring's locks (their lock words name a dead
   * process) do not block it: the next producer and consumer take the locks over within a few
   * liveness intervals, and the item at the head is delivered, not lost.
   */
  @Test
  void deadLockHolders_recovered() throws Exception {
    try (SharedMemory memory = SharedMemory.create(SharedRing.bytesFor(4096))) {
      MemorySegment m = memory.segment();
      SharedRing ring = ring(memory, 0);
      assertThat(ring.offer(bytes("kept"), WaitStrategy.timed(0, false), false, false)).isTrue();
      int deadPid = (int) ProcessIdentity.unpack(DEAD).pid();
      for (long lock : new long[] {RingDescriptor.PRODUCER_LOCK, RingDescriptor.CONSUMER_LOCK}) {
        m.set(ValueLayout.JAVA_INT, lock, deadPid);
        m.set(ValueLayout.JAVA_LONG, lock + 8, DEAD);
      }
      assertThat(ring.offer(bytes("next"), WaitStrategy.timed(waitMillis(5000), true), false, false)).isTrue();
      assertThat(string(ring.poll(WaitStrategy.timed(waitMillis(5000), true), false))).isEqualTo("kept");
      assertThat(string(ring.poll(WaitStrategy.timed(waitMillis(5000), true), false))).isEqualTo("next");
      assertThat(ring.lostRecords()).isZero();
    }
  }
}
