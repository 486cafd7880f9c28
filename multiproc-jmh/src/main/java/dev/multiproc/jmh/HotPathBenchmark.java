package dev.multiproc.jmh;

import dev.multiproc.codec.JavaSerializationCodec;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.function.SerializableFunction;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.MessageCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one pool task costs on each side of the wire, without the wire: encoding the task (a
 * lambda capturing a function and an argument), decoding it in a worker, encoding a result, and
 * framing. The JDK-serialization rows are the baseline the raw paths replace.
 *
 * <p>Run: {@code ./mvnw -q -pl multiproc-jmh -am package -DskipTests && "$(MULTIPROC_PRINT_JAVA=1
 * ./multiproc)" -jar multiproc-jmh/target/benchmarks.jar HotPath}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {
  private final ValueEncoding parent = new ValueEncoding(new JavaSerializationCodec());
  private final ValueEncoding worker = ValueEncoding.forTasksFromParent(new JavaSerializationCodec());
  private final JavaSerializationCodec jdk = new JavaSerializationCodec();
  private SerializableCallable<Integer> task;
  private byte[] encodedTask;
  private byte[] jdkTask;
  private ArrayList<Integer> chunk;
  private Message.RunTask runTask;
  private ByteBuffer frame;

  /** Builds the inputs once. */
  @Setup
  public void setUp() throws Exception {
    SerializableFunction<Integer, Integer> increment = x -> x + 1;
    int argument = 41;
    task = () -> increment.apply(argument);
    encodedTask = parent.encode(task);
    jdkTask = jdk.encode(task);
    chunk = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      chunk.add(i);
    }
    runTask = new Message.RunTask(7, false, encodedTask);
    frame = MessageCodec.encode(runTask);
  }

  /** {@return the parent's encoding of a task: raw lambda path} */
  @Benchmark
  public byte[] encodeTaskRaw() {
    return parent.encode(task);
  }

  /** {@return the same task through JDK serialization (baseline)} */
  @Benchmark
  public byte[] encodeTaskJdk() throws Exception {
    return jdk.encode(task);
  }

  /** {@return a worker decoding the task and running it: direct lambdas} */
  @Benchmark
  public Object decodeAndCallTaskRaw() throws Exception {
    return worker.decodeTask(encodedTask).call();
  }

  /** {@return the same through JDK deserialization (baseline)} */
  @Benchmark
  public Object decodeAndCallTaskJdk() throws Exception {
    @SuppressWarnings("unchecked")
    SerializableCallable<Integer> decoded = (SerializableCallable<Integer>) jdk.decode(jdkTask);
    return decoded.call();
  }

  /** {@return a 10,000-integer map chunk encoded raw} */
  @Benchmark
  public byte[] encodeChunkRaw() {
    return parent.encode(chunk);
  }

  /** {@return the same chunk through JDK serialization (baseline)} */
  @Benchmark
  public byte[] encodeChunkJdk() throws Exception {
    return jdk.encode(chunk);
  }

  /** {@return a RunTask framed} */
  @Benchmark
  public ByteBuffer frameEncode() {
    return MessageCodec.encode(runTask);
  }

  /** {@return a RunTask frame decoded} */
  @Benchmark
  public Message frameDecode() throws Exception {
    ByteBuffer body = frame.duplicate();
    body.position(4);
    return MessageCodec.decode(body);
  }
}
