package dev.multiproc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos scenario, short profile: workers killed with SIGKILL, SIGTERM and SIGSTOP while tasks
 * run; nothing lost or duplicated (checked from the task ids that come back), pool size restored.
 * The long profile is {@code ./multiproc chaos --tasks 100000 --kills 100}.
 */
@Timeout(180)
class ChaosCommandTest {
  static long field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void withRetries_everyTaskCompletesExactlyOnce() {
    CliRun r = CliRun.of("chaos", "--tasks", "8000", "--kills", "12", "--kill-interval-ms", "60", "--json");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(field(r.out(), "completed")).isEqualTo(8000);
    assertThat(field(r.out(), "lost")).isZero();
    assertThat(field(r.out(), "duplicated")).isZero();
    assertThat(field(r.out(), "kills")).isEqualTo(12);
    assertThat(r.out()).contains("\"pool_restored\": true");
  }

  @Test
  void withoutRetries_lostTasksFailWithTheCrashException_noneHangs() {
    CliRun r = CliRun.of("chaos", "--tasks", "8000", "--kills", "8", "--kill-interval-ms", "60", "--retries", "0",
        "--signals", "KILL,TERM", "--json");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(field(r.out(), "completed") + field(r.out(), "failed")).isEqualTo(8000);
    assertThat(field(r.out(), "lost")).isZero();
    assertThat(field(r.out(), "duplicated")).isZero();
  }
}
