package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.shared.SharedMemory;
import dev.multiproc.testing.ParentJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGKILL of a parent in the middle of a pool run, a MapReduce job and a locked section held by a
 * child: no child survives 2 s, and the next Multiproc process reclaims every segment it left.
 */
@Timeout(120)
class ParentKilledMidEverythingTest {
  @Test
  void parentSigkill_midJobAndLockedSection_leavesNothingBehind() throws Exception {
    try (ParentJvm parent = ParentJvm.start("dev.multiproc.testing.BusyParentMain")) {
      assertThat(parent.ready()).as("parent transcript:\n%s", parent.transcript()).isTrue();
      assertThat(parent.children()).hasSize(3);
      List<String> segments = parent.transcript().lines().filter(l -> l.startsWith("SEGMENT ")).map(l -> l.substring(8)).toList();
      assertThat(segments).hasSize(3);
      for (String segment : segments) {
        assertThat(Path.of("/dev/shm", segment)).exists();
      }

      assertThat(parent.sigkillAndSurvivors(Duration.ofSeconds(2)))
          .as("children alive 2 s after their parent was SIGKILLed")
          .isEmpty();

      // The next start: every user of those segments is dead, so they are reclaimed (by this
      // call, or already by any other Multiproc process that created a segment meanwhile).
      SharedMemory.reclaimOrphans();
      for (String segment : segments) {
        assertThat(Files.exists(Path.of("/dev/shm", segment))).as(segment).isFalse();
      }
    }
  }
}
