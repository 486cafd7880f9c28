package dev.multiproc.jmh;

import dev.multiproc.shared.ProcessLock;
import dev.multiproc.shared.ProcessReentrantLock;
import dev.multiproc.shared.SharedLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended costs of the shared-memory primitives (one thread, one process): lock + unlock of a
 * {@link ProcessLock} and {@link ProcessReentrantLock} against a {@code ReentrantLock}, and an
 * atomic increment of a {@link SharedLong}. Contended, cross-process figures come from {@code
 * ./multiproc bench shared}.
 *
 * <p>Run: {@code ./mvnw -q -pl multiproc-jmh -am package -DskipTests && "$(MULTIPROC_PRINT_JAVA=1
 * ./multiproc)" --enable-native-access=ALL-UNNAMED -jar multiproc-jmh/target/benchmarks.jar SharedLock}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SharedLockBenchmark {
  private ProcessLock processLock;
  private ProcessReentrantLock reentrantLock;
  private SharedLong counter;
  private final ReentrantLock jdkLock = new ReentrantLock();

  /** Creates the shared objects. */
  @Setup
  public void setUp() {
    processLock = ProcessLock.create();
    reentrantLock = ProcessReentrantLock.create();
    counter = SharedLong.create(0);
  }

  /** Detaches (and so removes) the segments. */
  @TearDown
  public void tearDown() {
    processLock.close();
    reentrantLock.close();
    counter.close();
  }

  /** {@return after lock + unlock of a ProcessLock} */
  @Benchmark
  public boolean processLockUnlock() {
    processLock.lock();
    processLock.unlock();
    return true;
  }

  /** {@return after lock + unlock of a ProcessReentrantLock} */
  @Benchmark
  public boolean reentrantProcessLockUnlock() {
    reentrantLock.lock();
    reentrantLock.unlock();
    return true;
  }

  /** {@return after lock + unlock of a j.u.c ReentrantLock (the baseline)} */
  @Benchmark
  public boolean jdkReentrantLockUnlock() {
    jdkLock.lock();
    jdkLock.unlock();
    return true;
  }

  /** {@return the counter after an atomic increment of a SharedLong} */
  @Benchmark
  public long sharedLongIncrement() {
    return counter.incrementAndGet();
  }
}
