package dev.multiproc.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.shared.SharedMemoryException;
import dev.multiproc.testing.PropertyTimeout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the shared-memory header parser: whatever a file in /dev/shm with our name prefix holds
 * (noise, a valid header with corrupted bytes, hostile sizes and counts), attaching to it either
 * works or fails with a {@link SharedMemoryException} that says why — never another exception,
 * a crash or an allocation sized by the file's claims.
 */
@PropertyTimeout(seconds = 120)
class SegmentHeaderFuzzTest {

  /** A header as a creator writes it, for a payload of {@code payload} bytes, with no live attachment. */
  static byte[] validHeader(Kind kind, int payload) {
    ByteBuffer header = ByteBuffer.allocate((int) SegmentLayout.HEADER_BYTES + payload).order(ByteOrder.nativeOrder());
    header.putLong((int) SegmentLayout.MAGIC_OFFSET, SegmentLayout.MAGIC);
    header.putInt((int) SegmentLayout.VERSION_OFFSET, SegmentLayout.VERSION);
    header.putInt((int) SegmentLayout.KIND_OFFSET, kind.code());
    header.putLong((int) SegmentLayout.PAYLOAD_BYTES_OFFSET, payload);
    return header.array();
  }

  @Provide
  Arbitrary<byte[]> noise() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(2048);
  }

  @Provide
  Arbitrary<byte[]> corruptedHeaders() {
    return Arbitraries.integers().between(0, 512).flatMap(payload ->
        Arbitraries.integers().between(0, (int) SegmentLayout.HEADER_BYTES + payload - 1).list().ofMinSize(1).ofMaxSize(8).flatMap(offsets ->
            Arbitraries.bytes().list().ofSize(offsets.size()).map(values -> {
              byte[] bytes = validHeader(Kind.INT_VALUE, payload);
              for (int i = 0; i < offsets.size(); i++) {
                bytes[offsets.get(i)] = values.get(i);
              }
              return bytes;
            })));
  }

  private static void attachOrRefuse(byte[] contents) throws IOException {
    String name = Segment.PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
    Path file = Segment.directory().resolve(name);
    Files.write(file, contents);
    try {
      Segment segment = Segment.attach(name, Kind.INT_VALUE);
      segment.close(); // a corruption that left a valid header (and a live attachment) is fine to use
    } catch (SharedMemoryException e) {
      assertThat(e.getMessage()).contains(name).doesNotContain("null");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  @Property(tries = 300)
  void noise_isRefusedWithAReason(@ForAll("noise") byte[] contents) throws IOException {
    attachOrRefuse(contents);
  }

  @Property(tries = 300)
  void corruptedHeader_isRefusedOrUsable(@ForAll("corruptedHeaders") byte[] contents) throws IOException {
    attachOrRefuse(contents);
  }

  @Property(tries = 100)
  void hostilePayloadSize_isRefused(@ForAll long claimedPayload) throws IOException {
    byte[] bytes = validHeader(Kind.INT_VALUE, 64);
    ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putLong((int) SegmentLayout.PAYLOAD_BYTES_OFFSET, claimedPayload == 64 ? 65 : claimedPayload);
    attachOrRefuse(bytes);
  }
}
