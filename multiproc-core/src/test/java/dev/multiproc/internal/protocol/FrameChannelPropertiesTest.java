package dev.multiproc.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.internal.protocol.FrameChannelTest.MemoryChannel;
import dev.multiproc.testing.PropertyTimeout;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** FrameChannel round trips over generated traffic and arbitrary read/write fragmentation. */
@PropertyTimeout(seconds = 20)
class FrameChannelPropertiesTest {

  @Provide
  Arbitrary<List<Message>> traffic() {
    return ProtocolArbitraries.messages().list().ofMaxSize(20);
  }

  /** Any sequence of messages, sent and received through channels that move any number of bytes per call, comes back equal and in order, then EOF. */
  @Property(tries = 300)
  void receive_afterSend_returnsSameSequenceThenEof(
      @ForAll("traffic") List<Message> messages,
      @ForAll @IntRange(min = 1, max = 300) int writeChunk,
      @ForAll @IntRange(min = 1, max = 300) int readChunk)
      throws IOException {
    MemoryChannel wire = new MemoryChannel(new byte[0], writeChunk);
    FrameChannel sender = new FrameChannel(wire, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
    for (Message m : messages) {
      sender.send(m);
    }

    FrameChannel receiver = new FrameChannel(new MemoryChannel(wire.written(), readChunk), FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
    for (Message m : messages) {
      assertThat(receiver.receive()).isEqualTo(m);
    }
    assertThatThrownBy(receiver::receive).isExactlyInstanceOf(EOFException.class);
  }

  /** A message is sent if and only if its frame fits the limit; a refused message leaves the wire untouched. */
  @Property(tries = 500)
  void send_succeedsExactlyWhenFrameFitsLimit(
      @ForAll("traffic") List<Message> messages, @ForAll @IntRange(min = 1, max = 2000) int limit) throws IOException {
    for (Message m : messages) {
      int length = MessageCodec.encode(m).remaining() - FrameDescriptor.LENGTH_FIELD_BYTES;
      MemoryChannel wire = new MemoryChannel(new byte[0], 4096);
      FrameChannel channel = new FrameChannel(wire, limit);
      if (length <= limit) {
        channel.send(m);
        assertThat(wire.written()).hasSize(FrameDescriptor.LENGTH_FIELD_BYTES + length);
        assertThat(new FrameChannel(new MemoryChannel(wire.written(), 4096), limit).receive()).isEqualTo(m);
      } else {
        assertThatThrownBy(() -> channel.send(m))
            .isInstanceOfSatisfying(FrameTooLargeException.class, e -> assertThat(e.frameBytes()).isEqualTo(length));
        assertThat(wire.writeCalls()).isZero();
      }
    }
  }
}
