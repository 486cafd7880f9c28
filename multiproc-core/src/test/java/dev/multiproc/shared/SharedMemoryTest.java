package dev.multiproc.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.testing.NoLeftoverSegments;
import dev.multiproc.testing.NoStrayChildren;
import dev.multiproc.testing.ParentJvm;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SharedMemory segments: attach by name, header checks, free space, and the lifecycle after kill -9. */
@ExtendWith({NoStrayChildren.class, NoLeftoverSegments.class})
class SharedMemoryTest {
  private static final Path SHM = Path.of("/dev/shm");

  /** A child reads and writes the parent's segment; closing the last user removes the file. */
  @Test
  void childSharesTheBytes_andCloseRemovesTheFile() throws Exception {
    SharedMemory shm = SharedMemory.create(4096);
    Path file = SHM.resolve(shm.name());
    try (shm) {
      assertThat(shm.size()).isEqualTo(4096);
      shm.segment().set(ValueLayout.JAVA_LONG, 8, 41);
      ChildProcess<Long> p =
          ChildProcess.of(
              s -> {
                long v = s.segment().get(ValueLayout.JAVA_LONG, 8) + 1;
                s.segment().set(ValueLayout.JAVA_LONG, 16, v);
                return v;
              },
              shm);
      p.start();
      assertThat(p.result()).isEqualTo(42);
      assertThat(shm.segment().get(ValueLayout.JAVA_LONG, 16)).isEqualTo(42);
      assertThat(file).exists();
    }
    assertThat(file).doesNotExist();
    assertThatThrownBy(() -> shm.segment().get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
  }

  /** A file with our prefix but not our header is refused, not misread; so is a segment of another kind. */
  @Test
  void foreignOrOtherKind_isRefused() throws Exception {
    Path foreign = SHM.resolve("multiproc-shm-foreign-" + ProcessHandle.current().pid());
    Files.write(foreign, new byte[1024]);
    try {
      assertThatThrownBy(() -> SharedMemory.attach(foreign.getFileName().toString()))
          .isInstanceOf(SharedMemoryException.class)
          .hasMessageContaining("not a Multiproc segment");
    } finally {
      Files.deleteIfExists(foreign);
    }
    try (ProcessLock lock = ProcessLock.create()) {
      ChildProcess<String> p =
          ChildProcess.of(
              name -> {
                try {
                  SharedMemory.attach(name);
                  return "attached";
                } catch (SharedMemoryException e) {
                  return e.getMessage();
                }
              },
              lock.name());
      p.start();
      assertThat(p.result()).contains("holds a LOCK, not a RAW");
    }
    assertThatThrownBy(() -> SharedMemory.attach("no-such-segment")).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> SharedMemory.attach("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Asking for more than /dev/shm has fails up front with a clear message (not SIGBUS later). */
  @Test
  void tooLarge_failsUpFront() {
    assertThatThrownBy(() -> SharedMemory.create(1L << 50))
        .isInstanceOf(SharedMemoryException.class)
        .hasMessageContaining("bytes free")
        .hasMessageContaining("SIGBUS");
  }

  /** Starts a child that creates a segment and waits to be killed; {@return the child} */
  private static ChildProcess<Void> creatorChild(ProcessEvent created) throws Exception {
    ChildProcess<Void> creator =
        ChildProcess.of(
            () -> {
              SharedMemory mine = SharedMemory.create(64);
              mine.segment().set(ValueLayout.JAVA_LONG, 0, 7);
              created.set();
              Thread.sleep(60_000);
            });
    creator.start();
    assertThat(created.await(Duration.ofSeconds(30))).isTrue();
    return creator;
  }

  private static String segmentOf(ChildProcess<?> p) throws Exception {
    try (var files = Files.list(SHM)) {
      List<String> names =
          files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("multiproc-shm-" + p.pid().getAsLong() + "-")).toList();
      assertThat(names).hasSize(1);
      return names.getFirst();
    }
  }

  /** kill -9 of the creator: the segment is stale (refused on attach) and reclaimed. */
  @Test
  void creatorKilled_segmentIsReclaimed() throws Exception {
    try (ProcessEvent created = ProcessEvent.create()) {
      ChildProcess<Void> creator = creatorChild(created);
      try {
        String name = segmentOf(creator);
        creator.kill();
        creator.join();
        assertThat(SHM.resolve(name)).exists();
        assertThatThrownBy(() -> SharedMemory.attach(name)).isInstanceOf(SharedMemoryException.class).hasMessageContaining("stale");
        assertThat(SharedMemory.reclaimOrphans()).contains(name);
        assertThat(SHM.resolve(name)).doesNotExist();
      } finally {
        creator.kill();
      }
    }
  }

  /** A segment a live process still uses is never reclaimed, even after its creator was killed. */
  @Test
  void creatorKilled_liveUserKeepsTheSegment() throws Exception {
    try (ProcessEvent created = ProcessEvent.create()) {
      ChildProcess<Void> creator = creatorChild(created);
      try {
        String name = segmentOf(creator);
        SharedMemory attached = SharedMemory.attach(name);
        creator.kill();
        creator.join();
        assertThat(SharedMemory.reclaimOrphans()).doesNotContain(name);
        assertThat(SHM.resolve(name)).exists();
        assertThat(attached.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(7);
        attached.close();
        assertThat(SHM.resolve(name)).doesNotExist();
      } finally {
        creator.kill();
      }
    }
  }

  /** The creator closing first does not unlink a segment its child still uses; the child's exit does. */
  @Test
  void creatorClosesFirst_segmentLivesWithItsLastUser() throws Exception {
    SharedMemory shm = SharedMemory.create(64);
    Path file = SHM.resolve(shm.name());
    try (ProcessEvent attached = ProcessEvent.create();
        ProcessEvent closed = ProcessEvent.create()) {
      ChildProcess<Long> child =
          ChildProcess.of(
              () -> {
                shm.segment().set(ValueLayout.JAVA_LONG, 0, 5);
                attached.set();
                closed.await(Duration.ofSeconds(30));
                return shm.segment().get(ValueLayout.JAVA_LONG, 0);
              });
      child.start();
      assertThat(attached.await(Duration.ofSeconds(30))).isTrue();
      shm.close();
      assertThat(file).exists();
      closed.set();
      assertThat(child.result()).isEqualTo(5);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Files.exists(file) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(file).doesNotExist();
    }
  }

  /**
   * A parent that exits normally while its child still has its segments attached leaves nothing:
   * its exit hook kills the child (which cannot detach) and then removes what the child kept.
   */
  @Test
  void parentExitsWithChildAttached_segmentsRemoved() throws Exception {
    try (ParentJvm parent = ParentJvm.start("dev.multiproc.testing.SharedSegmentParentMain")) {
      assertThat(parent.ready()).as(parent.transcript()).isTrue();
      List<Path> files =
          parent.transcript().lines().filter(l -> l.startsWith("SEGMENT ")).map(l -> SHM.resolve(l.substring(8))).toList();
      assertThat(files).hasSize(2);
      assertThat(parent.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(parent.survivorsAfter(System.nanoTime() + Duration.ofSeconds(5).toNanos())).isEmpty();
      assertThat(files).allSatisfy(f -> assertThat(f).doesNotExist());
    }
  }
}
