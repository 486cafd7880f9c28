package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.testing.ParentJvm;
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
    try (ParentJvm parent = ParentJvm.start("dev.multiproc.testing.PoolParentMain", "2")) {
      assertThat(parent.ready()).as("parent transcript:\n%s", parent.transcript()).isTrue();
      assertThat(parent.children()).hasSize(2);
      new ProcessBuilder("kill", "-" + signal, Long.toString(parent.process().pid())).start().waitFor();
      assertThat(parent.process().waitFor(10, TimeUnit.SECONDS)).as("parent exits after SIG%s", signal).isTrue();
      assertThat(parent.survivorsAfter(System.nanoTime() + TimeUnit.SECONDS.toNanos(2)))
          .as("workers alive after the parent's SIG%s", signal)
          .isEmpty();
    }
  }
}
