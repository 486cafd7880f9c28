package dev.multiproc.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.testing.PropertyTimeout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple2;

/** MessageCodec round trips: whatever is encoded decodes to an equal message. */
@PropertyTimeout(seconds = 20)
class MessageCodecPropertiesTest {

  @Provide
  Arbitrary<Message> messages() {
    return ProtocolArbitraries.messages();
  }

  @Provide
  Arbitrary<Message> failures() {
    return ProtocolArbitraries.taskFailures();
  }

  @Provide
  Arbitrary<Tuple2<Message, Message>> pairs() {
    return ProtocolArbitraries.messages().tuple2();
  }

  /** Any message of any kind encodes to a frame whose prefix is the body length and whose body decodes to an equal message. */
  @Property(tries = 2000)
  void encodeThenDecode_givesEqualMessage(@ForAll("messages") Message message) throws ProtocolException {
    ByteBuffer frame = MessageCodec.encode(message);

    assertThat(frame.position()).isZero();
    assertThat(frame.remaining()).isGreaterThanOrEqualTo(FrameDescriptor.LENGTH_FIELD_BYTES + FrameDescriptor.MIN_FRAME_LENGTH);
    int length = frame.getInt();
    assertThat(length).isEqualTo(frame.remaining()).isGreaterThanOrEqualTo(FrameDescriptor.MIN_FRAME_LENGTH);
    assertThat(MessageCodec.frameLength(message)).as("frameLength predicts the encoded length").isEqualTo(length);

    Message decoded = MessageCodec.decode(frame);

    assertThat(decoded).isEqualTo(message).hasSameClassAs(message).hasSameHashCodeAs(message);
    assertThat(frame.hasRemaining()).as("decode consumes the whole body").isFalse();
  }

  /** Cause chains, null messages and frames with a null file name survive the trip field by field. */
  @Property(tries = 500)
  void encodeThenDecode_preservesFailureDescriptionsExactly(@ForAll("failures") Message message) throws ProtocolException {
    TaskFailure sent = (TaskFailure) message;

    TaskFailure received = (TaskFailure) decodeFrame(MessageCodec.encode(sent));

    ThrowableDescription expected = sent.description();
    ThrowableDescription actual = received.description();
    while (expected != null) {
      assertThat(actual).isNotNull();
      assertThat(actual.className()).isEqualTo(expected.className());
      assertThat(actual.message()).isEqualTo(expected.message());
      assertThat(actual.stack()).containsExactlyElementsOf(expected.stack());
      assertThat(actual.stackTrace()).containsExactly(expected.stackTrace());
      expected = expected.cause();
      actual = actual.cause();
    }
    assertThat(actual).as("no extra cause appears").isNull();
  }

  /** Encoding is deterministic and the encoding of two messages, back to back, splits into exactly those two frames. */
  @Property(tries = 500)
  void encode_isDeterministicAndSelfDelimiting(@ForAll("pairs") Tuple2<Message, Message> pair) throws ProtocolException {
    ByteBuffer a = MessageCodec.encode(pair.get1());
    ByteBuffer b = MessageCodec.encode(pair.get2());
    assertThat(MessageCodec.encode(pair.get1())).isEqualTo(a);

    ByteBuffer stream = ByteBuffer.allocate(a.remaining() + b.remaining()).put(a.duplicate()).put(b.duplicate()).flip();

    for (Message expected : List.of(pair.get1(), pair.get2())) {
      int length = stream.getInt();
      ByteBuffer body = stream.slice(stream.position(), length);
      stream.position(stream.position() + length);
      assertThat(MessageCodec.decode(body)).isEqualTo(expected);
    }
    assertThat(stream.hasRemaining()).isFalse();
  }

  /** The deepest cause chain and the longest stack the decoder accepts both survive the trip. */
  @Example
  void encodeThenDecode_acceptsChainAndStackAtTheirCaps() throws ProtocolException {
    Message deep = new TaskFailure(1, ProtocolArbitraries.chain(FrameDescriptor.MAX_CAUSE_DEPTH, 3), new byte[0]);
    Message tall = new TaskFailure(2, ProtocolArbitraries.chain(1, FrameDescriptor.MAX_STACK_FRAMES), new byte[] {1});

    assertThat(decodeFrame(MessageCodec.encode(deep))).isEqualTo(deep);
    assertThat(decodeFrame(MessageCodec.encode(tall))).isEqualTo(tall);
  }

  /** A description built from a real throwable (cycle cut, depth capped) survives the trip. */
  @Example
  void encodeThenDecode_acceptsDescriptionOfRealThrowable() throws ProtocolException {
    RuntimeException outer = new RuntimeException("outer ünïcödé \uD83D\uDE00");
    IllegalStateException inner = new IllegalStateException((String) null);
    outer.initCause(inner);
    inner.initCause(outer); // a cycle: of() must cut it
    Throwable deep = new Error("root");
    for (int i = 0; i < 100; i++) {
      deep = new Exception("level " + i, deep);
    }

    for (Throwable t : List.of(outer, deep)) {
      Message m = new TaskFailure(7, ThrowableDescription.of(t), new byte[] {9, 9});
      assertThat(decodeFrame(MessageCodec.encode(m))).isEqualTo(m);
    }
  }

  /** A lone surrogate, which UTF-8 cannot carry, is sent as '?' and the frame still decodes (documents current, lossy behaviour). */
  @Example
  void encodeThenDecode_replacesLoneSurrogateWithQuestionMark() throws ProtocolException {
    Message m = new Hello("w\uD800x", new byte[FrameDescriptor.SECRET_BYTES], 1);

    Hello decoded = (Hello) decodeFrame(MessageCodec.encode(m));

    assertThat(decoded.workerId()).isEqualTo("w?x");
  }

  /** The HELLO body starts with MAGIC then PROTOCOL_VERSION right after the kind byte, big-endian, as FrameDescriptor draws it. */
  @Example
  void encode_helloLayoutMatchesFrameDescriptor() {
    byte[] body = ProtocolArbitraries.body(new Hello("id", "s".getBytes(StandardCharsets.UTF_8), 42));
    ByteBuffer in = ByteBuffer.wrap(body);

    assertThat(in.get()).isEqualTo(MessageKind.HELLO.code);
    assertThat(in.getInt()).isEqualTo(FrameDescriptor.MAGIC);
    assertThat(in.getShort()).isEqualTo(FrameDescriptor.PROTOCOL_VERSION);
    assertThat(body).startsWith(1, 'M', 'P', 'R', 'C');
  }

  /** Every kind code is distinct and survives MessageKind.of; codes with no kind are refused. */
  @Example
  void kindOf_mapsEveryCodeBackAndRefusesTheRest() throws ProtocolException {
    for (MessageKind kind : MessageKind.values()) {
      assertThat(MessageKind.of(kind.code)).isSameAs(kind);
    }
    int known = 0;
    for (int code = 0; code < 256; code++) {
      try {
        MessageKind.of((byte) code);
        known++;
      } catch (ProtocolException e) {
        assertThat(e).hasMessageContaining("unknown message kind " + code);
      }
    }
    assertThat(known).isEqualTo(MessageKind.values().length);
  }

  private static Message decodeFrame(ByteBuffer frame) throws ProtocolException {
    int length = frame.getInt();
    assertThat(length).isEqualTo(frame.remaining());
    return MessageCodec.decode(frame);
  }
}
