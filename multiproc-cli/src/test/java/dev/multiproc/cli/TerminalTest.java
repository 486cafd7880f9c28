package dev.multiproc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The terminal check the progress bar depends on. */
@Timeout(30)
class TerminalTest {
  @Test
  void terminalDevices_areTerminals_andOtherTargetsAreNot() {
    assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/console")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/null")).isFalse();
    assertThat(Terminal.isTerminalDevice("pipe:[12345]")).isFalse();
    assertThat(Terminal.isTerminalDevice("/tmp/out.log")).isFalse();
  }

  /** Whatever standard error is here (a file or pipe under the test runner), both ways agree. */
  @Test
  void procLink_agreesWithIsatty() {
    assertThat(Terminal.stderrIsTerminal()).isEqualTo(Terminal.isatty(2));
  }
}
