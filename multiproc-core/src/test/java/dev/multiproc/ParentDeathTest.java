package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.testing.ParentJvm;
import java.time.Duration;
import java.util.List;
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

      assertThat(parent.sigkillAndSurvivors(Duration.ofSeconds(2)))
          .as("children still alive 2 s after their parent was SIGKILLed")
          .isEmpty();
    }
  }

  /**
   * The second line of defence on its own: children stopped with SIGSTOP read no EOF on their
   * channel, so only the parent-death signal (armed by {@code setpriv} before the JVM started, or
   * by the worker itself where there is none) can end them when the parent dies.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cold", "standby", "cold, armed by the worker"})
  void parentSigkill_endsEvenStoppedChildren(String how) throws Exception {
    // "armed by the worker": no setpriv prefix, as on a system without one
    List<String> options = how.contains("worker") ? List.of("-Dmultiproc.pdeathsig=off") : List.of();
    String startMethod = how.startsWith("cold") ? "cold" : "standby";
    try (ParentJvm parent = ParentJvm.start(options, "dev.multiproc.testing.OrphanMakerMain", "2", startMethod)) {
      assertThat(parent.ready()).as("parent transcript:\n%s", parent.transcript()).isTrue();
      assertThat(parent.children()).hasSizeGreaterThanOrEqualTo(2);
      // setpriv arms the signal before the JVM starts; a worker arming it itself does so in the
      // background after its start (~0.2-0.4 s in a cold JVM without a start-up cache): let it.
      Thread.sleep(how.contains("worker") ? 2000 : 200);
      for (long pid : parent.children()) {
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).inheritIO().start();
        assertThat(stop.waitFor(5, TimeUnit.SECONDS) && stop.exitValue() == 0).as("SIGSTOP %d", pid).isTrue();
      }

      assertThat(parent.sigkillAndSurvivors(Duration.ofSeconds(2)))
          .as("stopped children still alive 2 s after their parent was SIGKILLed")
          .isEmpty();
    }
  }
}
