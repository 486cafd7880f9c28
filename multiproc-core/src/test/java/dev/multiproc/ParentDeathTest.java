package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.testing.ParentJvm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No orphans: a parent JVM killed with SIGKILL takes every child with it within 2 s.
 */
@Timeout(90)
class ParentDeathTest {

  /** Cold-started and standby children all exit within 2 s of the parent's SIGKILL. */
  @ParameterizedTest
  @ValueSource(strings = {"cold", "standby"})
  void parentSigkill_childrenExitWithin2s(String startMethod) throws Exception {
    try (ParentJvm parent = ParentJvm.start("dev.multiproc.testing.OrphanMakerMain", "3", startMethod)) {
      assertThat(parent.ready()).as("parent transcript:\n%s", parent.transcript()).isTrue();
      assertThat(parent.children()).hasSizeGreaterThanOrEqualTo(3);
      for (long pid : parent.children()) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("child %d before kill", pid).hasValue(true);
      }

      parent.process().toHandle().destroyForcibly(); // SIGKILL: no shutdown hooks run in the parent
      long killedAt = System.nanoTime();
      assertThat(parent.process().waitFor(5, TimeUnit.SECONDS)).isTrue();

      assertThat(parent.survivorsAfter(killedAt + Duration.ofSeconds(2).toNanos()))
          .as("children still alive 2 s after their parent was SIGKILLed")
          .isEmpty();
    }
  }
}
