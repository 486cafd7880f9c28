package dev.multiproc.examples;

import dev.multiproc.ChildProcess;
import java.time.Duration;

/**
 * Python:
 * <pre>
 * p = Process(target=f, args=('bob',)); p.start(); p.join(); print(p.exitcode)
 * </pre>
 */
public final class ProcessBasics {
  private ProcessBasics() {}

  static String greet(String name) {
    return "hello " + name + " from pid " + ProcessHandle.current().pid();
  }

  /**
   * Runs the example.
   *
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    ChildProcess<String> p = ChildProcess.of(ProcessBasics::greet, "bob");
    p.start();
    p.join();
    System.out.println(p.result() + " (exit code " + p.exitCode().getAsInt() + ")");

    ChildProcess<Void> sleeper = ChildProcess.of(() -> Thread.sleep(60_000));
    sleeper.start();
    if (!sleeper.join(Duration.ofMillis(200))) {
      sleeper.terminate();
    }
    sleeper.join();
    System.out.println("terminated sleeper exit code " + sleeper.exitCode().getAsInt());
  }
}
