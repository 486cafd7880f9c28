package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent =
        new ProcessBuilder(
                javaBin, "-cp", System.getProperty("java.class.path"), "-Dmultiproc.aot=off",
                "dev.multiproc.testing.OrphanMakerMain", "3", startMethod)
            .redirectErrorStream(true)
            .start();
    List<Long> children = new ArrayList<>();
    StringBuilder transcript = new StringBuilder();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        transcript.append(line).append('\n');
        if (line.startsWith("PID ") || line.startsWith("DESCENDANT ")) {
          children.add(Long.parseLong(line.substring(line.indexOf(' ') + 1)));
        }
      }
      assertThat(line).as("parent transcript:\n%s", transcript).isEqualTo("READY");
      assertThat(children).hasSizeGreaterThanOrEqualTo(3);
      for (long pid : children) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("child %d before kill", pid).hasValue(true);
      }

      parent.toHandle().destroyForcibly(); // SIGKILL: no shutdown hooks run in the parent
      long killedAt = System.nanoTime();
      assertThat(parent.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      for (long pid : children) {
        ProcessHandle child = ProcessHandle.of(pid).orElse(null);
        while (child != null && child.isAlive() && System.nanoTime() - killedAt < Duration.ofSeconds(2).toNanos()) {
          Thread.sleep(10);
        }
        assertThat(child == null || !child.isAlive())
            .as("child %d still alive 2 s after its parent was SIGKILLed", pid)
            .isTrue();
      }
    } finally {
      parent.destroyForcibly();
      for (long pid : children) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
