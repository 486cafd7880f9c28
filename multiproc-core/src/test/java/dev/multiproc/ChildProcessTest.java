package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.testing.NoStrayChildren;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** ChildProcess against real child JVMs: lifecycle, exit codes, results and remote exceptions. */
@ExtendWith(NoStrayChildren.class)
@Timeout(60)
class ChildProcessTest {

  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  /** A returned value arrives as the result; the exit code is 0. */
  @Test
  void result_whenFunctionReturns() throws Exception {
    ChildProcess<Long> p = ChildProcess.of(n -> fib(n), 20);
    assertThat(p.exitCode()).isEmpty();
    assertThat(p.pid()).isEmpty();
    p.start();
    assertThat(p.pid()).isPresent();
    p.join();
    assertThat(p.exitCode()).hasValue(0);
    assertThat(p.result()).isEqualTo(6765L);
    assertThat(p.isAlive()).isFalse();
    assertThat(p.exception()).isEmpty();
  }

  /** The child runs in another JVM: a different pid, and its own copy of statics. */
  @Test
  void runsInAnotherJvm() throws Exception {
    ChildProcess<Long> p = ChildProcess.of(() -> ProcessHandle.current().pid());
    p.start();
    assertThat(p.result()).isEqualTo(p.pid().getAsLong()).isNotEqualTo(ProcessHandle.current().pid());
  }

  /** Two arguments, raw fast-path values (arrays, strings) travel both ways. */
  @Test
  void biFunction_andRawValues() throws Exception {
    ChildProcess<long[]> p =
        ChildProcess.of((long[] a, String s) -> Arrays.stream(a).map(x -> x * s.length()).toArray(), new long[] {1, 2, 3}, "abc");
    p.start();
    assertThat(p.result()).containsExactly(3, 6, 9);
  }

  /** An action's result is null and its exit code 0. */
  @Test
  void runnable_resultIsNull() throws Exception {
    ChildProcess<Void> p = ChildProcess.of(() -> { Thread.sleep(1); });
    p.start();
    assertThat(p.result()).isNull();
    assertThat(p.exitCode()).hasValue(0);
  }

  /** System.exit(3) in the child gives exit code 3 and a ProcessDiedException from result(). */
  @Test
  void systemExit_givesThatCode() throws Exception {
    ChildProcess<Void> p = ChildProcess.of(() -> System.exit(3));
    p.start();
    p.join();
    assertThat(p.exitCode()).hasValue(3);
    assertThatThrownBy(p::result).isInstanceOf(ProcessDiedException.class).hasMessageContaining("status 3");
  }

  /** System.exit(137) is not mistaken for SIGKILL. */
  @Test
  void systemExit137_isNotASignal() throws Exception {
    ChildProcess<Void> p = ChildProcess.of(() -> System.exit(137));
    p.start();
    p.join();
    assertThat(p.exitCode()).hasValue(137);
  }

  /** An uncaught exception gives exit code 1 and arrives with its type, message, remote stack and cause. */
  @Test
  void exception_arrivesWithRemoteStackAndCause() throws Exception {
    ChildProcess<Object> p =
        ChildProcess.of(
            () -> {
              throw new IllegalStateException("outer", new IOException("inner"));
            });
    p.start();
    p.join();
    assertThat(p.exitCode()).hasValue(1);
    assertThatThrownBy(p::result)
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("IllegalStateException: outer")
        .satisfies(e -> assertThat(((TaskFailedException) e).remoteClassName()).isEqualTo("java.lang.IllegalStateException"))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("outer")
        .hasCauseInstanceOf(IOException.class)
        .satisfies(e -> assertThat(e.getStackTrace()[0].getClassName()).isEqualTo(ChildProcessTest.class.getName()))
        .satisfies(e -> assertThat(e.getStackTrace()).anyMatch(f -> f.getClassName().contains("WorkerMain")));
  }

  /** An exception that cannot be rebuilt in the parent still arrives, as a faithful RemoteException. */
  @Test
  void undeserializableException_arrivesAsStandIn() throws Exception {
    ChildProcess<Object> p =
        ChildProcess.of(
            () -> {
              throw new Unreadable("bad things", new IllegalArgumentException("root"));
            });
    p.start();
    assertThatThrownBy(p::result)
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOf(RemoteException.class)
        .hasMessage("bad things")
        .satisfies(e -> assertThat(((RemoteException) e).remoteClassName()).isEqualTo(Unreadable.class.getName()))
        .satisfies(e -> assertThat(e.toString()).startsWith(Unreadable.class.getName() + ": bad things"))
        .satisfies(e -> assertThat(e.getStackTrace()).isNotEmpty())
        .cause()
        .isInstanceOf(RemoteException.class)
        .hasMessage("root");
  }

  /** An exception with a non-serializable field also arrives as a stand-in. */
  @Test
  void nonSerializableException_arrivesAsStandIn() throws Exception {
    ChildProcess<Object> p =
        ChildProcess.of(
            () -> {
              throw new HoldsThread("holding");
            });
    p.start();
    assertThatThrownBy(p::result).cause().isInstanceOf(RemoteException.class).hasMessage("holding");
  }

  /** Capturing a non-serializable object fails at start(), naming the captured class; nothing starts. */
  @Test
  void nonSerializableCapture_failsAtStart() {
    NotSerializableResource resource = new NotSerializableResource();
    ChildProcess<Integer> p = ChildProcess.of(() -> resource.hashCode());
    assertThatThrownBy(p::start)
        .isInstanceOf(TaskNotSerializableException.class)
        .hasMessageContaining(NotSerializableResource.class.getName())
        .hasMessageContaining("lambda")
        .hasMessageContaining("transient")
        .satisfies(e -> assertThat(((TaskNotSerializableException) e).offendingClass()).isEqualTo(NotSerializableResource.class.getName()));
    assertThat(p.pid()).isEmpty();
  }

  /** terminate() gives -15 (SIGTERM) and kill() gives -9, as Python reports. */
  @Test
  void terminateAndKill_giveNegativeSignals() throws Exception {
    ChildProcess<Void> t = ChildProcess.of(() -> Thread.sleep(60_000));
    ChildProcess<Void> k = ChildProcess.of(() -> Thread.sleep(60_000));
    t.start();
    k.start();
    assertThat(t.join(Duration.ofMillis(200))).isFalse();
    assertThat(t.isAlive()).isTrue();
    t.terminate();
    k.kill();
    assertThat(t.join(Duration.ofSeconds(10))).isTrue();
    assertThat(k.join(Duration.ofSeconds(10))).isTrue();
    assertThat(t.exitCode()).hasValue(-15);
    assertThat(k.exitCode()).hasValue(-9);
    assertThatThrownBy(k::result).isInstanceOf(ProcessDiedException.class).hasMessageContaining("SIGKILL");
    assertThat(((ProcessDiedException) catchThrowable(t::result)).exitCode()).isEqualTo(-15);
  }

  /** A signal from outside (not via terminate()) is reported the same way. */
  @Test
  void externalSigterm_givesMinus15() throws Exception {
    ChildProcess<Void> p = ChildProcess.of(() -> Thread.sleep(60_000));
    p.start();
    Thread.sleep(300); // let the child install its handlers; either way the answer must be -15
    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid().getAsLong())).start().waitFor();
    assertThat(p.join(Duration.ofSeconds(10))).isTrue();
    assertThat(p.exitCode()).hasValue(-15);
  }

  /** A process starts once; operations before start are refused clearly. */
  @Test
  void lifecycleMisuse_isRefused() throws Exception {
    ChildProcess<Integer> p = ChildProcess.builder(() -> 1).name("once").build();
    assertThatThrownBy(p::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("once has not been started");
    assertThatThrownBy(p::terminate).isInstanceOf(IllegalStateException.class);
    p.start();
    assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("only once");
    assertThat(p.result()).isEqualTo(1);
    p.kill(); // no-op once ended
    assertThat(p.exitCode()).hasValue(0);
  }

  /** Names default to ChildProcess-N, appear on the child's command line with dev.multiproc. */
  @Test
  void name_isVisibleInPs() throws Exception {
    assertThat(ChildProcess.of(() -> 1).name()).matches("ChildProcess-\\d+");
    ChildProcess<Void> p = ChildProcess.builder(() -> Thread.sleep(60_000)).name("pool-1/worker-2").build();
    p.start();
    try {
      String commandLine = ProcessHandle.of(p.pid().getAsLong()).orElseThrow().info().commandLine().orElseThrow();
      assertThat(commandLine).contains("-Dmultiproc.worker=pool-1/worker-2").contains("dev.multiproc");
      assertThat(p.toString()).contains("pool-1/worker-2").contains("started");
    } finally {
      p.kill();
      p.join();
    }
  }

  /** JVM options reach the child: system properties and heap size. */
  @Test
  void jvmOptions_reachTheChild() throws Exception {
    ChildProcess<String> p =
        ChildProcess.builder(() -> System.getProperty("greeting") + " " + (Runtime.getRuntime().maxMemory() >> 20))
            .systemProperty("greeting", "hello")
            .maxHeap("64m")
            .build();
    p.start();
    String[] parts = p.result().split(" ");
    assertThat(parts[0]).isEqualTo("hello");
    assertThat(Long.parseLong(parts[1])).isBetween(40L, 64L);
  }

  /** Workers default to SerialGC; a collector the user names wins. */
  @Test
  void gcDefault_isSerial_unlessChosen() throws Exception {
    ChildProcess<String> serial = ChildProcess.of(ChildProcessTest::collectors);
    ChildProcess<String> parallel = ChildProcess.builder(ChildProcessTest::collectors).jvmOptions("-XX:+UseParallelGC").build();
    serial.start();
    parallel.start();
    assertThat(serial.result()).contains("MarkSweepCompact");
    assertThat(parallel.result()).contains("PS MarkSweep");
  }

  /** The child's collector names, read reflectively (the test module does not read java.management). */
  static String collectors() throws Exception {
    Object beans = Class.forName("java.lang.management.ManagementFactory").getMethod("getGarbageCollectorMXBeans").invoke(null);
    StringBuilder names = new StringBuilder();
    for (Object bean : (java.util.List<?>) beans) {
      names.append(Class.forName("java.lang.management.MemoryManagerMXBean").getMethod("getName").invoke(bean)).append(' ');
    }
    return names.toString();
  }

  /** A bad JVM option fails start() with a clear error instead of hanging. */
  @Test
  void badJvmOption_failsStart() {
    ChildProcess<Integer> p = ChildProcess.builder(() -> 1).jvmOptions("-XX:+NoSuchOption").build();
    assertThatThrownBy(p::start).isInstanceOf(MultiprocException.class).hasMessageContaining("before connecting");
  }

  /**
   * A child writing lots of output (8 MiB on stdout, 2 MiB on stderr, more than any pipe buffer)
   * neither blocks nor corrupts the control channel, and all of it has reached this JVM's
   * System.out/System.err when join() returns.
   */
  @Test
  void lotsOfOutput_isForwardedCompletely() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream originalOut = System.out;
    java.io.PrintStream originalErr = System.err;
    System.setOut(new java.io.PrintStream(out, true));
    System.setErr(new java.io.PrintStream(err, true));
    try {
      ChildProcess<Integer> p =
          ChildProcess.of(
              () -> {
                String line = "x".repeat(1023) + "\n";
                for (int i = 0; i < 8192; i++) {
                  System.out.print(line);
                }
                for (int i = 0; i < 2048; i++) {
                  System.err.print(line);
                }
                System.out.print("END");
                return 42;
              });
      p.start();
      p.join();
      assertThat(p.result()).isEqualTo(42);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    assertThat(out.size()).isEqualTo(8192 * 1024 + 3);
    assertThat(out.toString()).endsWith("END");
    assertThat(err.size()).isEqualTo(2048 * 1024);
  }

  /** join(timeout) returns false while running and true once ended. */
  @Test
  void joinWithTimeout() throws Exception {
    ChildProcess<Void> p = ChildProcess.of(() -> Thread.sleep(1_000));
    p.start();
    assertThat(p.join(Duration.ofMillis(50))).isFalse();
    assertThat(p.exitCode()).isEmpty();
    assertThat(p.join(Duration.ofSeconds(20))).isTrue();
    assertThat(p.exitCode()).hasValue(0);
  }

  /** onExit composes like CompletableFuture. */
  @Test
  void onExit_completes() throws Exception {
    ChildProcess<Integer> p = ChildProcess.of(() -> 5);
    p.start();
    assertThat(p.onExit().thenApply(c -> c.exitCode().getAsInt()).get()).isZero();
  }

  /** A result over the message cap fails clearly in the parent, not silently. */
  @Test
  void oversizedResult_failsClearly() throws Exception {
    ChildProcess<byte[]> p = ChildProcess.builder(() -> new byte[1 << 20]).maxMessageBytes(64 * 1024).build();
    p.start();
    assertThatThrownBy(p::result)
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("exceeds the limit");
  }

  /** Standby start method: processes come pre-started and behave the same. */
  @Test
  void standbyStartMethod_behavesLikeCold() throws Exception {
    for (int i = 0; i < 3; i++) {
      ChildProcess<Integer> p = ChildProcess.builder(() -> 40 + 2).startMethod(StartMethod.standby(1)).build();
      p.start();
      assertThat(p.result()).isEqualTo(42);
      assertThat(p.exitCode()).hasValue(0);
    }
  }

  private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
    return org.assertj.core.api.Assertions.catchThrowable(c);
  }

  static final class NotSerializableResource {}

  static final class Unreadable extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException {
      throw new InvalidObjectException("this exception refuses to be deserialized");
    }
  }

  static final class HoldsThread extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial")
    private final Thread thread = Thread.currentThread();

    HoldsThread(String message) {
      super(message);
    }

    @Override
    public String toString() {
      return super.toString() + " on " + thread.getName();
    }
  }
}
