package dev.multiproc.jcstress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs this module's jcstress tests ({@code -m sanity} in CI; {@code -Djcstress.mode=quick} for
 * more) and fails on any failed or erroneous test. jcstress exits 0 even when tests fail, so the
 * verdict comes from its {@code Results: N planned; P passed, F failed, S soft errs, H hard errs}
 * line.
 */
class JcstressRunTest {
  private static final Pattern RESULTS =
      Pattern.compile("Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs");

  /** Every jcstress test in dev.multiproc.jcstress passes. */
  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void allPass() throws IOException, InterruptedException {
    Path work = Files.createDirectories(Path.of("target", "jcstress"));
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classPath,
            "org.openjdk.jcstress.Main",
            "-m",
            System.getProperty("jcstress.mode", "sanity"),
            "-t",
            "dev\\.multiproc\\.jcstress\\..*",
            "-r",
            "results",
            "-jvmArgsPrepend",
            "--enable-native-access=ALL-UNNAMED");
    Path log = work.resolve("jcstress.log");
    Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(p.waitFor(14, TimeUnit.MINUTES)).as("jcstress finished").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Matcher m = RESULTS.matcher(out);
    String last = null;
    int planned = 0, passed = 0, failed = -1, soft = -1, hard = -1;
    while (m.find()) {
      last = m.group();
      planned = Integer.parseInt(m.group(1));
      passed = Integer.parseInt(m.group(2));
      failed = Integer.parseInt(m.group(3));
      soft = Integer.parseInt(m.group(4));
      hard = Integer.parseInt(m.group(5));
    }
    assertThat(last).as("jcstress result line in %s:%n%s", log, tail(out)).isNotNull();
    assertThat(planned).as(last).isGreaterThanOrEqualTo(4);
    assertThat(failed).as(last + "\n" + tail(out)).isZero();
    assertThat(hard).as(last + "\n" + tail(out)).isZero();
    assertThat(soft).as(last + "\n" + tail(out)).isZero();
    assertThat(passed).as(last).isEqualTo(planned);
  }

  private static String tail(String out) {
    return out.length() <= 4000 ? out : out.substring(out.length() - 4000);
  }
}
