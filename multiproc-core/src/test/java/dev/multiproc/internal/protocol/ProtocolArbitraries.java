package dev.multiproc.internal.protocol;

import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** Generators for protocol messages, shared by the property and fuzz tests. */
final class ProtocolArbitraries {
  private ProtocolArbitraries() {}

  /** {@return any message of any kind, with every field drawn from its whole domain} */
  static Arbitrary<Message> messages() {
    return Arbitraries.oneOf(
        List.of(
            hellos(), runTasks(), taskResults(), taskFailures(), heartbeats(), cancels(), shutdowns(), signalleds(), exitings(),
            dumpThreads(), threadDumps()));
  }

  static Arbitrary<Message> hellos() {
    Arbitrary<byte[]> secrets =
        Arbitraries.oneOf(List.of(bytes(FrameDescriptor.SECRET_BYTES, FrameDescriptor.SECRET_BYTES), bytes(0, 64)));
    return Combinators.combine(strings(), secrets, Arbitraries.longs()).as(Hello::new);
  }

  static Arbitrary<Message> runTasks() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false), payloads()).as(RunTask::new);
  }

  static Arbitrary<Message> taskResults() {
    return Combinators.combine(Arbitraries.longs(), payloads()).as(TaskResult::new);
  }

  static Arbitrary<Message> taskFailures() {
    return Combinators.combine(Arbitraries.longs(), descriptions(), payloads()).as(TaskFailure::new);
  }

  static Arbitrary<Message> heartbeats() {
    return Arbitraries.longs().map(Heartbeat::new);
  }

  static Arbitrary<Message> cancels() {
    return Arbitraries.longs().map(Cancel::new);
  }

  static Arbitrary<Message> shutdowns() {
    return Arbitraries.integers().map(Shutdown::new);
  }

  static Arbitrary<Message> signalleds() {
    return Arbitraries.integers().map(Signalled::new);
  }

  static Arbitrary<Message> exitings() {
    return Arbitraries.just(new Exiting());
  }

  static Arbitrary<Message> dumpThreads() {
    return Arbitraries.longs().map(Message.DumpThreads::new);
  }

  static Arbitrary<Message> threadDumps() {
    return Combinators.combine(Arbitraries.longs(), strings()).as(Message.ThreadDump::new);
  }

  /** {@return byte arrays, mostly small, empty included, now and then a few KiB to force buffer growth} */
  static Arbitrary<byte[]> payloads() {
    return Arbitraries.frequencyOf(List.of(Tuple.of(1, Arbitraries.just(new byte[0])), Tuple.of(8, bytes(0, 300)), Tuple.of(1, bytes(300, 5000))));
  }

  static Arbitrary<byte[]> bytes(int min, int max) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
  }

  /**
   * {@return well-formed Unicode strings: ASCII, NUL, two- and three-byte UTF-8, supplementary
   * code points (surrogate pairs); never a lone surrogate, which UTF-8 cannot carry}
   */
  static Arbitrary<String> strings() {
    List<Tuple2<Integer, Arbitrary<Integer>>> ranges =
        List.of(
            Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
            Tuple.of(2, Arbitraries.integers().between(0, 0x7FF)),
            Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF).filter(c -> c < 0xD800 || c > 0xDFFF)),
            Tuple.of(2, Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT)));
    return Arbitraries.frequencyOf(ranges)
        .list()
        .ofMaxSize(40)
        .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
  }

  static Arbitrary<ThrowableDescription.Frame> frames() {
    return Combinators.combine(strings(), strings(), strings().injectNull(0.3), Arbitraries.integers())
        .as(ThrowableDescription.Frame::new);
  }

  /** {@return cause chains of 1 to {@link FrameDescriptor#MAX_CAUSE_DEPTH} throwables, null messages included} */
  static Arbitrary<ThrowableDescription> descriptions() {
    Arbitrary<Layer> layer =
        Combinators.combine(strings(), strings().injectNull(0.3), frames().list().ofMaxSize(6)).as(Layer::new);
    Arbitrary<List<Layer>> chains =
        Arbitraries.frequencyOf(
            List.of(
                Tuple.of(8, layer.list().ofMinSize(1).ofMaxSize(4)),
                Tuple.of(2, layer.list().ofMinSize(1).ofMaxSize(FrameDescriptor.MAX_CAUSE_DEPTH))));
    return chains.map(ProtocolArbitraries::chain);
  }

  /** {@return the chain whose outermost throwable is {@code layers[0]}} */
  static ThrowableDescription chain(List<Layer> layers) {
    ThrowableDescription d = null;
    for (int i = layers.size() - 1; i >= 0; i--) {
      Layer l = layers.get(i);
      d = new ThrowableDescription(l.className(), l.message(), l.stack(), d);
    }
    return d;
  }

  /** {@return a chain of {@code depth} throwables, each with {@code framesEach} frames} */
  static ThrowableDescription chain(int depth, int framesEach) {
    List<ThrowableDescription.Frame> stack = new ArrayList<>();
    for (int i = 0; i < framesEach; i++) {
      stack.add(new ThrowableDescription.Frame("C", "m", i % 2 == 0 ? null : "C.java", i));
    }
    ThrowableDescription d = null;
    for (int i = 0; i < depth; i++) {
      d = new ThrowableDescription("E" + i, i % 2 == 0 ? null : "message " + i, stack, d);
    }
    return d;
  }

  /** {@return the frame body of {@code message}: its encoding after the length prefix} */
  static byte[] body(Message message) {
    ByteBuffer frame = MessageCodec.encode(message);
    frame.position(FrameDescriptor.LENGTH_FIELD_BYTES);
    byte[] body = new byte[frame.remaining()];
    frame.get(body);
    return body;
  }

  /** One throwable of a generated cause chain. */
  record Layer(String className, String message, List<ThrowableDescription.Frame> stack) {}
}
