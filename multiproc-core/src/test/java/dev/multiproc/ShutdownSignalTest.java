package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ctrl-C (SIGINT) or SIGTERM to a parent with a busy pool: it exits promptly and takes every worker with it. */
@Timeout(90)
class ShutdownSignalTest {

  /** The parent exits within 10 s of the signal and no worker survives it by more than 2 s. */
  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void signalToParent_stopsEverything(String signal) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent =
        new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "-Dmultiproc.aot=off",
                "dev.multiproc.testing.PoolParentMain", "2")
            .redirectErrorStream(true)
            .start();
    List<Long> workers = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line;
      StringBuilder transcript = new StringBuilder();
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        transcript.append(line).append('\n');
        if (line.startsWith("PID ")) {
          workers.add(Long.parseLong(line.substring(4)));
        }
      }
      assertThat(line).as("parent transcript:\n%s", transcript).isEqualTo("READY");
      assertThat(workers).hasSize(2);
      new ProcessBuilder("kill", "-" + signal, Long.toString(parent.pid())).start().waitFor();
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).as("parent exits after SIG%s", signal).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      for (long pid : workers) {
        ProcessHandle worker = ProcessHandle.of(pid).orElse(null);
        while (worker != null && worker.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(worker == null || !worker.isAlive()).as("worker %d alive after the parent's SIG%s", pid, signal).isTrue();
      }
    } finally {
      parent.destroyForcibly();
      workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }
}
