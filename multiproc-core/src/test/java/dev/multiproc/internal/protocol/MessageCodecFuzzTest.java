package dev.multiproc.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import dev.multiproc.testing.PropertyTimeout;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * MessageCodec.decode against hostile input: whatever the bytes, the outcome is a message or a
 * {@link ProtocolException}, never another exception, an error or a huge allocation.
 */
@PropertyTimeout(seconds = 20)
class MessageCodecFuzzTest {

  /** One message of every kind, the failure with a two-level chain; used for exhaustive mutation. */
  private static final List<Message> REPRESENTATIVES =
      List.of(
          new Hello("worker-1 ✓", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 4242),
          new RunTask(7, true, new byte[] {9, 8, 7}),
          new TaskResult(-1, new byte[] {}),
          new TaskFailure(3, ProtocolArbitraries.chain(2, 2), new byte[] {1}),
          new Heartbeat(Long.MIN_VALUE),
          new Cancel(Long.MAX_VALUE),
          new Shutdown(-3),
          new Signalled(15),
          new Exiting());

  /** Counts a hostile peer would pick: negative, huge, just past the end. */
  private static final int[] HOSTILE_COUNTS = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 8, 1 << 30, 65536};

  @Provide
  Arbitrary<Message> messages() {
    return ProtocolArbitraries.messages();
  }

  /** Edits for {@link #mutation}: operation in the low 3 bits, position (uniform, so rarely the kind byte) above. */
  @Provide
  Arbitrary<List<Integer>> edits() {
    return Arbitraries.integers().between(0, 1 << 24).withDistribution(RandomDistribution.uniform()).list().ofMinSize(1).ofMaxSize(6);
  }

  /**
   * Random bodies: pure noise, and bodies that start with a real kind byte followed by tokens
   * shaped like the fields the decoder expects (small counts, booleans, UTF-8 chunks), so the
   * fuzzing reaches past the first field.
   */
  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> token =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.of((byte) 0, (byte) 1, (byte) 2, (byte) -1).map(b -> new byte[] {b}),
                Arbitraries.integers().between(0, 24).map(MessageCodecFuzzTest::int32),
                Arbitraries.integers().map(MessageCodecFuzzTest::int32),
                Arbitraries.of(HOSTILE_COUNTS[0], HOSTILE_COUNTS[1], HOSTILE_COUNTS[2], HOSTILE_COUNTS[3], HOSTILE_COUNTS[4], HOSTILE_COUNTS[5])
                    .map(MessageCodecFuzzTest::int32),
                Arbitraries.longs().map(l -> ByteBuffer.allocate(8).putLong(l).array()),
                Arbitraries.of(FrameDescriptor.MAGIC).map(MessageCodecFuzzTest::int32),
                Arbitraries.of((short) 0, FrameDescriptor.PROTOCOL_VERSION).map(s -> ByteBuffer.allocate(2).putShort(s).array()),
                ProtocolArbitraries.strings().map(s -> s.getBytes(StandardCharsets.UTF_8)),
                ProtocolArbitraries.bytes(1, 8)));
    Arbitrary<Integer> kinds =
        Arbitraries.frequencyOf(
            List.of(Tuple.of(9, Arbitraries.integers().between(1, MessageKind.values().length)), Tuple.of(1, Arbitraries.integers().between(0, 255))));
    Arbitrary<byte[]> structured =
        Combinators.combine(kinds, Arbitraries.of(true, true, true, false), token.list().ofMaxSize(30)).as(MessageCodecFuzzTest::concat);
    return Arbitraries.frequencyOf(
        List.of(Tuple.of(1, ProtocolArbitraries.bytes(0, 64)), Tuple.of(1, ProtocolArbitraries.bytes(0, 600)), Tuple.of(6, structured)));
  }

  /** Random bytes decode to a message or throw ProtocolException; a message that decodes re-encodes to exactly those bytes. */
  @Property(tries = 10_000)
  void decode_randomBytes_givesMessageOrProtocolExceptionOnly(@ForAll("noise") byte[] body) {
    assertDecodesCanonicallyOrIsRefused(body);
  }

  /** Every strict prefix of a valid frame body, the empty one included, is refused with ProtocolException. */
  @Property(tries = 300)
  void decode_truncatedBody_throwsProtocolException(@ForAll("messages") Message message) {
    byte[] body = ProtocolArbitraries.body(message);
    for (int cut = 0; cut < body.length; cut++) {
      ByteBuffer prefix = ByteBuffer.wrap(body, 0, cut).slice();
      assertThatThrownBy(() -> MessageCodec.decode(prefix))
          .as("prefix of %d of %d bytes of %s", cut, body.length, message)
          .isExactlyInstanceOf(ProtocolException.class)
          .hasMessageNotContaining("trailing");
    }
  }

  /** A single byte changed anywhere in a valid body gives a message (that re-encodes to the corrupted bytes) or a ProtocolException. */
  @Property(tries = 3000)
  void decode_singleByteCorruption_givesMessageOrProtocolException(
      @ForAll("messages") Message message, @ForAll @IntRange(min = 0, max = 1 << 20) int where, @ForAll byte value) {
    byte[] body = ProtocolArbitraries.body(message);
    int i = where % body.length;
    body[i] = value;
    assertDecodesCanonicallyOrIsRefused(body);
  }

  /** Exhaustively: every byte of a message of every kind set to each of the 256 values gives a message or a ProtocolException. */
  @Example
  void decode_everySingleByteCorruptionOfEveryKind_givesMessageOrProtocolException() {
    for (Message message : REPRESENTATIVES) {
      byte[] original = ProtocolArbitraries.body(message);
      for (int i = 0; i < original.length; i++) {
        for (int v = 0; v < 256; v++) {
          byte[] body = original.clone();
          body[i] = (byte) v;
          assertDecodesCanonicallyOrIsRefused(body);
        }
      }
    }
  }

  /** Several insertions, deletions, overwrites and hostile counts applied to a valid body give a message or a ProtocolException. */
  @Property(tries = 3000)
  void decode_randomlyMutatedBody_givesMessageOrProtocolException(
      @ForAll("messages") Message message, @ForAll("edits") List<Integer> edits) {
    byte[] body = ProtocolArbitraries.body(message);
    for (int edit : edits) {
      body = mutation(edit).apply(body);
    }
    assertDecodesCanonicallyOrIsRefused(body);
  }

  /** Any 4 bytes of a message of every kind overwritten with a negative, huge or past-the-end count give a message or a ProtocolException. */
  @Example
  void decode_hostileCountAtEveryOffset_givesMessageOrProtocolException() {
    for (Message message : REPRESENTATIVES) {
      byte[] original = ProtocolArbitraries.body(message);
      for (int i = 1; i + 4 <= original.length; i++) {
        for (int count : HOSTILE_COUNTS) {
          byte[] body = original.clone();
          ByteBuffer.wrap(body).putInt(i, count);
          assertDecodesCanonicallyOrIsRefused(body);
        }
        byte[] body = original.clone();
        ByteBuffer.wrap(body).putInt(i, original.length - i - 4 + 1); // one past what remains
        assertDecodesCanonicallyOrIsRefused(body);
      }
    }
  }

  /** A valid body followed by any non-empty garbage is refused as having trailing bytes. */
  @Property(tries = 1000)
  void decode_trailingGarbage_throwsProtocolException(
      @ForAll("messages") Message message, @ForAll @Size(min = 1, max = 32) byte[] garbage) {
    byte[] body = ProtocolArbitraries.body(message);
    byte[] longer = Arrays.copyOf(body, body.length + garbage.length);
    System.arraycopy(garbage, 0, longer, body.length, garbage.length);

    assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(longer)))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining(garbage.length + " unexpected trailing bytes");
  }

  /** A HELLO whose magic is anything but MPRC is refused, and the message names the bad magic. */
  @Property(tries = 500)
  void decode_helloWithWrongMagic_isRejectedNamingTheMagic(@ForAll int magic) {
    Assume.that(magic != FrameDescriptor.MAGIC);
    byte[] body = ProtocolArbitraries.body(new Hello("w", new byte[FrameDescriptor.SECRET_BYTES], 1));
    ByteBuffer.wrap(body).putInt(1, magic);

    assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(body)))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("bad magic 0x" + Integer.toHexString(magic))
        .hasMessageContaining("not a Multiproc worker");
  }

  /** A HELLO with any other protocol version is refused, and the message names both versions. */
  @Property(tries = 500)
  void decode_helloWithWrongVersion_isRejectedNamingBothVersions(@ForAll short version) {
    Assume.that(version != FrameDescriptor.PROTOCOL_VERSION);
    byte[] body = ProtocolArbitraries.body(new Hello("w", new byte[FrameDescriptor.SECRET_BYTES], 1));
    ByteBuffer.wrap(body).putShort(1 + Integer.BYTES, version);

    assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(body)))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("protocol version " + version)
        .hasMessageContaining("this side speaks " + FrameDescriptor.PROTOCOL_VERSION);
  }

  /** The HELLO checks come first: a wrong magic or version is reported as such even when the rest of the body is missing. */
  @Example
  void decode_helloHeaderOnly_reportsMagicOrVersionBeforeTruncation() {
    ByteBuffer badMagic = ByteBuffer.allocate(5).put(MessageKind.HELLO.code).putInt(0xCAFEBABE).flip();
    ByteBuffer badVersion =
        ByteBuffer.allocate(7).put(MessageKind.HELLO.code).putInt(FrameDescriptor.MAGIC).putShort((short) 2).flip();
    ByteBuffer goodHeader =
        ByteBuffer.allocate(7).put(MessageKind.HELLO.code).putInt(FrameDescriptor.MAGIC).putShort(FrameDescriptor.PROTOCOL_VERSION).flip();

    assertThatThrownBy(() -> MessageCodec.decode(badMagic)).isInstanceOf(ProtocolException.class).hasMessageContaining("bad magic 0xcafebabe");
    assertThatThrownBy(() -> MessageCodec.decode(badVersion)).isInstanceOf(ProtocolException.class).hasMessageContaining("protocol version 2");
    assertThatThrownBy(() -> MessageCodec.decode(goodHeader)).isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
  }

  /** A cause chain one deeper than MAX_CAUSE_DEPTH, or far deeper, is refused without a StackOverflowError. */
  @Example
  void decode_causeChainDeeperThanCap_throwsProtocolException() {
    byte[] justOver = ProtocolArbitraries.body(new TaskFailure(1, ProtocolArbitraries.chain(FrameDescriptor.MAX_CAUSE_DEPTH + 1, 1), new byte[0]));
    // Written by hand: MessageCodec.encode itself recurses once per level.
    ByteBuffer farOver = ByteBuffer.allocate(1 + 8 + 100_000 * 11);
    farOver.put(MessageKind.TASK_FAILURE.code).putLong(1);
    for (int i = 0; i < 100_000; i++) {
      farOver.putInt(1).put((byte) 'E').put((byte) 0).putInt(0).put((byte) 1); // "E", no message, no frames, a cause
    }
    farOver.flip();

    for (ByteBuffer body : List.of(ByteBuffer.wrap(justOver), farOver)) {

      assertThatThrownBy(() -> MessageCodec.decode(body))
          .isExactlyInstanceOf(ProtocolException.class)
          .hasMessageContaining("cause chain deeper than " + FrameDescriptor.MAX_CAUSE_DEPTH);
    }
  }

  /** A stack one frame longer than MAX_STACK_FRAMES is refused. */
  @Example
  void decode_stackLongerThanCap_throwsProtocolException() {
    byte[] body =
        ProtocolArbitraries.body(new TaskFailure(1, ProtocolArbitraries.chain(1, FrameDescriptor.MAX_STACK_FRAMES + 1), new byte[0]));

    assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(body)))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("bad stack frame count " + (FrameDescriptor.MAX_STACK_FRAMES + 1));
  }

  /** A stack frame count within the cap but larger than the bytes left could hold is refused before the list is allocated. */
  @Example
  void decode_stackCountBeyondRemainingBytes_throwsProtocolException() {
    ByteBuffer body = ByteBuffer.allocate(64);
    body.put(MessageKind.TASK_FAILURE.code).putLong(1);
    body.putInt(1).put((byte) 'E').put((byte) 0); // class "E", null message
    body.putInt(FrameDescriptor.MAX_STACK_FRAMES); // 2048 frames promised, ~40 bytes left
    body.position(body.limit()).flip();

    assertThatThrownBy(() -> MessageCodec.decode(body))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("bad stack frame count");
  }

  /** Booleans on the wire are exactly 0 or 1: any other byte in a boolean position is refused. */
  @Example
  void decode_nonCanonicalBoolean_throwsProtocolException() {
    for (int b = 2; b < 256; b++) {
      byte[] body = ProtocolArbitraries.body(new RunTask(1, false, new byte[0]));
      body[1 + Long.BYTES] = (byte) b;

      assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(body)))
          .isExactlyInstanceOf(ProtocolException.class)
          .hasMessageContaining("bad boolean byte");
    }
  }

  /** Strings must be valid UTF-8: overlong forms, encoded surrogates, stray continuation bytes and truncated sequences are refused. */
  @Example
  void decode_malformedUtf8_throwsProtocolException() {
    byte[][] malformed = {
      {(byte) 0xC0, (byte) 0x80}, // overlong NUL
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded lone surrogate U+D800
      {(byte) 0x80}, // stray continuation byte
      {(byte) 0xE2, (byte) 0x82}, // truncated three-byte sequence
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {(byte) 0xFF},
    };
    for (byte[] bad : malformed) {
      ByteBuffer body = ByteBuffer.allocate(64);
      body.put(MessageKind.HELLO.code).putInt(FrameDescriptor.MAGIC).putShort(FrameDescriptor.PROTOCOL_VERSION);
      body.putInt(bad.length).put(bad).putInt(0).putLong(1).flip();

      assertThatThrownBy(() -> MessageCodec.decode(body))
          .isExactlyInstanceOf(ProtocolException.class)
          .hasMessageContaining("not valid UTF-8");
    }
  }

  /** An empty buffer is a truncated frame, not a BufferUnderflowException. */
  @Example
  void decode_emptyBuffer_throwsProtocolException() {
    assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.allocate(0)))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("truncated");
  }

  /** Every code that is not a kind is refused by decode, whatever follows it. */
  @Example
  void decode_unknownKind_throwsProtocolException() {
    for (int code = 0; code < 256; code++) {
      if (code >= 1 && code <= MessageKind.values().length) {
        continue;
      }
      byte[] body = new byte[16];
      body[0] = (byte) code;

      assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(body)))
          .isExactlyInstanceOf(ProtocolException.class)
          .hasMessage("unknown message kind " + code);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The fuzzing oracle: decode gives a message or a ProtocolException with a message, and nothing
   * else (any other throwable propagates and fails the property). A message that decodes must
   * re-encode to exactly the bytes it came from, so no two bodies decode to the same message and
   * nothing is silently misread.
   */
  private static void assertDecodesCanonicallyOrIsRefused(byte[] body) {
    Message decoded;
    try {
      decoded = MessageCodec.decode(ByteBuffer.wrap(body));
    } catch (ProtocolException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(decoded).isNotNull();
    assertThat(ProtocolArbitraries.body(decoded)).as("re-encoding of %s", decoded).isEqualTo(body);
  }

  /** {@return one edit of a body, chosen and placed by {@code edit}} */
  private static UnaryOperator<byte[]> mutation(int edit) {
    int op = edit & 7;
    int at = edit >>> 3;
    return body -> {
      if (body.length == 0) {
        return new byte[] {(byte) edit};
      }
      int i = at % body.length;
      byte[] out;
      switch (op) {
        case 0, 1 -> { // overwrite
          out = body.clone();
          out[i] = (byte) (at * 31);
        }
        case 2 -> { // flip one bit
          out = body.clone();
          out[i] ^= (byte) (1 << (at & 7));
        }
        case 3 -> { // delete
          out = new byte[body.length - 1];
          System.arraycopy(body, 0, out, 0, i);
          System.arraycopy(body, i + 1, out, i, body.length - i - 1);
        }
        case 4 -> { // insert
          out = new byte[body.length + 1];
          System.arraycopy(body, 0, out, 0, i);
          out[i] = (byte) at;
          System.arraycopy(body, i, out, i + 1, body.length - i);
        }
        case 5 -> { // hostile count
          out = body.clone();
          if (i + 4 <= out.length) {
            ByteBuffer.wrap(out).putInt(i, HOSTILE_COUNTS[at % HOSTILE_COUNTS.length]);
          }
        }
        case 6 -> out = Arrays.copyOf(body, i); // truncate
        default -> { // duplicate a run
          int n = Math.min(body.length - i, 1 + (at & 15));
          out = new byte[body.length + n];
          System.arraycopy(body, 0, out, 0, i + n);
          System.arraycopy(body, i, out, i + n, body.length - i);
        }
      }
      return out;
    };
  }

  private static byte[] int32(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }

  /** {@return a kind byte, then (for HELLO, if asked) a valid magic and version, then the tokens} */
  private static byte[] concat(int kind, boolean helloHeader, List<byte[]> tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(kind);
    if (kind == (MessageKind.HELLO.code & 0xFF) && helloHeader) {
      out.writeBytes(ByteBuffer.allocate(6).putInt(FrameDescriptor.MAGIC).putShort(FrameDescriptor.PROTOCOL_VERSION).array());
    }
    tokens.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
