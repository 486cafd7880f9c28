package dev.multiproc.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.multiproc.internal.protocol.Message.Cancel;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.Heartbeat;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Shutdown;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FrameChannel over in-memory and pipe channels: framing, limits, EOF handling, concurrent senders. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class FrameChannelTest {

  private static final int LIMIT = 1024;

  private static final List<Message> ALL_KINDS =
      List.of(
          new Hello("worker-7", new byte[FrameDescriptor.SECRET_BYTES], 99),
          new RunTask(1, false, new byte[] {1, 2, 3}),
          new RunTask(2, true, new byte[0]),
          new TaskResult(3, new byte[500]),
          new TaskFailure(4, ProtocolArbitraries.chain(3, 2), new byte[] {7}),
          new Heartbeat(5),
          new Cancel(6),
          new Shutdown(7),
          new Signalled(15),
          new Exiting());

  /** Messages of every kind sent through partial writes come back, in order, through partial reads; then EOF. */
  @Test
  void receive_afterSend_returnsEveryMessageInOrder() throws IOException {
    for (int chunk : new int[] {1, 3, 4096}) {
      MemoryChannel wire = new MemoryChannel(new byte[0], chunk);
      FrameChannel sender = new FrameChannel(wire, LIMIT);
      for (Message m : ALL_KINDS) {
        sender.send(m);
      }

      FrameChannel receiver = new FrameChannel(new MemoryChannel(wire.written(), chunk), LIMIT);
      for (Message m : ALL_KINDS) {
        assertThat(receiver.receive()).isEqualTo(m);
      }
      assertThatThrownBy(receiver::receive).isExactlyInstanceOf(EOFException.class);
    }
  }

  /** A frame of exactly the limit is sent and received; the smallest legal frame (length 1) is received. */
  @Test
  void sendAndReceive_frameOfExactlyTheLimit_isAccepted() throws IOException {
    // RUN_TASK body: kind 1 + taskId 8 + exitAfter 1 + count 4 + payload.
    Message atLimit = new RunTask(1, true, new byte[LIMIT - 14]);
    MemoryChannel wire = new MemoryChannel(new byte[0], 4096);
    new FrameChannel(wire, LIMIT).send(atLimit);
    assertThat(wire.written()).hasSize(FrameDescriptor.LENGTH_FIELD_BYTES + LIMIT);

    FrameChannel receiver = new FrameChannel(new MemoryChannel(wire.written(), 4096), LIMIT);
    assertThat(receiver.receive()).isEqualTo(atLimit);

    byte[] smallest = {0, 0, 0, 1, MessageKind.EXITING.code};
    assertThat(new FrameChannel(new MemoryChannel(smallest, 1), LIMIT).receive()).isEqualTo(new Exiting());
  }

  /** A length prefix above the limit or below 1 (0, negative, Integer.MAX_VALUE) throws ProtocolException at once: no buffer of that size, no body byte read. */
  @ParameterizedTest
  @ValueSource(ints = {LIMIT + 1, 1 << 20, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES, Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 0, -1, -LIMIT, Integer.MIN_VALUE})
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void receive_lengthOutsideLimits_throwsProtocolExceptionWithoutAllocating(int length) {
    byte[] stream = ByteBuffer.allocate(4 + 64).putInt(length).array();
    MemoryChannel wire = new MemoryChannel(stream, 4096);
    FrameChannel receiver = new FrameChannel(wire, LIMIT);
    catchThrowable(new FrameChannel(new MemoryChannel(stream.clone(), 4096), LIMIT)::receive); // load classes first

    long before = allocatedBytes();
    Throwable thrown = catchThrowable(receiver::receive);
    long allocated = allocatedBytes() - before;

    assertThat(thrown)
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("frame length " + length + " outside [" + FrameDescriptor.MIN_FRAME_LENGTH + ", " + LIMIT + "]");
    // The exception and its message cost a few KiB; a buffer for the claimed length would cost it all.
    assertThat(allocated).as("bytes allocated while refusing a frame of %d bytes", length).isLessThan(64 * 1024);
    assertThat(wire.unread()).as("body bytes read after the bad prefix").isEqualTo(64);
  }

  /** With the default 256 MiB limit, a prefix of Integer.MAX_VALUE is still refused at once. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void receive_maxIntLengthUnderDefaultLimit_throwsProtocolException() {
    byte[] stream = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).array();
    FrameChannel receiver = new FrameChannel(new MemoryChannel(stream, 4096), FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);

    assertThatThrownBy(receiver::receive).isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("frame length " + Integer.MAX_VALUE);
  }

  /** The peer closing at a frame boundary is an EOFException, never a ProtocolException; also when nothing was ever sent. */
  @Test
  void receive_eofAtFrameBoundary_throwsEofException() throws IOException {
    assertThatThrownBy(new FrameChannel(new MemoryChannel(new byte[0], 1), LIMIT)::receive)
        .isExactlyInstanceOf(EOFException.class);

    byte[] twoFrames = concat(frame(new Heartbeat(1)), frame(new Cancel(2)));
    FrameChannel receiver = new FrameChannel(new MemoryChannel(twoFrames, 5), LIMIT);
    assertThat(receiver.receive()).isEqualTo(new Heartbeat(1));
    assertThat(receiver.receive()).isEqualTo(new Cancel(2));
    assertThatThrownBy(receiver::receive).isExactlyInstanceOf(EOFException.class);
    assertThatThrownBy(receiver::receive).as("EOF is sticky").isExactlyInstanceOf(EOFException.class);
  }

  /** The stream cut at every byte: a cut at a boundary ends in EOFException, any other cut (in a prefix or a body) in ProtocolException. */
  @Test
  void receive_eofAnywhereInAFrame_throwsProtocolException() throws IOException {
    byte[] first = frame(new Hello("w", new byte[] {1, 2}, 3));
    byte[] second = frame(new TaskFailure(9, ProtocolArbitraries.chain(2, 1), new byte[] {4}));
    byte[] stream = concat(first, second);

    for (int cut = 0; cut <= stream.length; cut++) {
      for (int chunk : new int[] {1, 4096}) {
        FrameChannel receiver = new FrameChannel(new MemoryChannel(Arrays.copyOf(stream, cut), chunk), LIMIT);
        int complete = cut >= stream.length ? 2 : cut >= first.length ? 1 : 0;
        for (int i = 0; i < complete; i++) {
          assertThat(receiver.receive()).isNotNull();
        }
        boolean atBoundary = cut == 0 || cut == first.length || cut == stream.length;
        if (atBoundary) {
          assertThatThrownBy(receiver::receive).as("cut at %d", cut).isExactlyInstanceOf(EOFException.class);
        } else {
          assertThatThrownBy(receiver::receive)
              .as("cut at %d", cut)
              .isExactlyInstanceOf(ProtocolException.class)
              .hasMessageContaining("closed in the middle of a frame");
        }
      }
    }
  }

  /** A well-framed body that is not a valid message surfaces as the codec's ProtocolException. */
  @Test
  void receive_malformedBody_throwsProtocolException() {
    byte[] badKind = {0, 0, 0, 3, 42, 0, 0};
    byte[] badMagic = ByteBuffer.allocate(4 + 7).putInt(7).put(MessageKind.HELLO.code).putInt(0x12345678).putShort((short) 1).array();

    assertThatThrownBy(new FrameChannel(new MemoryChannel(badKind, 2), LIMIT)::receive)
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown message kind 42");
    assertThatThrownBy(new FrameChannel(new MemoryChannel(badMagic, 2), LIMIT)::receive)
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("bad magic 0x12345678");
  }

  /** A message whose frame exceeds the limit by even one byte is refused with FrameTooLargeException, and nothing is written. */
  @Test
  void send_frameOverLimit_throwsFrameTooLargeAndWritesNothing() throws IOException {
    MemoryChannel wire = new MemoryChannel(new byte[0], 4096);
    FrameChannel sender = new FrameChannel(wire, LIMIT);

    for (int over : new int[] {1, 2, 10_000}) {
      Message tooBig = new RunTask(1, false, new byte[LIMIT - 14 + over]);
      assertThatThrownBy(() -> sender.send(tooBig))
          .isInstanceOfSatisfying(FrameTooLargeException.class, e -> assertThat(e.frameBytes()).isEqualTo(LIMIT + over))
          .hasMessageContaining("exceeds the limit of " + LIMIT);
      assertThat(wire.writeCalls()).isZero();
      assertThat(wire.written()).isEmpty();
    }

    // The channel is still usable, and the next frame is intact.
    sender.send(new Heartbeat(42));
    assertThat(new FrameChannel(new MemoryChannel(wire.written(), 4096), LIMIT).receive()).isEqualTo(new Heartbeat(42));
  }

  /** Task frames, whose payloads are read straight into their own arrays, are checked as strictly as the others. */
  @Test
  void receive_malformedTaskFrames_areProtocolErrors() {
    byte[] badBoolean = ByteBuffer.allocate(4 + 14).putInt(14).put(MessageKind.RUN_TASK.code).putLong(1).put((byte) 2).putInt(0).array();
    byte[] overlong = ByteBuffer.allocate(4 + 15).putInt(15).put(MessageKind.TASK_RESULT.code).putLong(1).putInt(3).put((byte) 9).put((byte) 9).array();
    byte[] trailing = ByteBuffer.allocate(4 + 15).putInt(15).put(MessageKind.TASK_RESULT.code).putLong(1).putInt(1).put((byte) 9).put((byte) 9).array();
    byte[] truncated = ByteBuffer.allocate(4 + 5).putInt(5).put(MessageKind.TASK_RESULT.code).putInt(0).array();

    assertThatThrownBy(new FrameChannel(new MemoryChannel(badBoolean, 3), LIMIT)::receive)
        .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("bad boolean byte 2");
    assertThatThrownBy(new FrameChannel(new MemoryChannel(overlong, 3), LIMIT)::receive)
        .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("exceeds the 2 bytes left");
    assertThatThrownBy(new FrameChannel(new MemoryChannel(trailing, 3), LIMIT)::receive)
        .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("1 unexpected trailing bytes after TASK_RESULT");
    assertThatThrownBy(new FrameChannel(new MemoryChannel(truncated, 3), LIMIT)::receive)
        .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("truncated frame");
  }

  /** sendLater leaves frames in a buffered stream until a send, a flush, or a flush of frames old enough. */
  @Test
  void sendLater_waitsInTheBufferUntilFlushed() throws Exception {
    MemoryChannel wire = new MemoryChannel(new byte[0], 4096);
    FrameChannel sender =
        new FrameChannel(null, new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(wire), 4096), LIMIT);

    assertThat(sender.sendLater(new Heartbeat(1))).isTrue();
    assertThat(sender.sendLater(new Heartbeat(2))).isFalse();
    assertThat(sender.hasUnflushed()).isTrue();
    sender.flushIfOlderThan(TimeUnit.HOURS.toNanos(1));
    assertThat(wire.written()).isEmpty();
    Thread.sleep(2);
    sender.flushIfOlderThan(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(sender.hasUnflushed()).isFalse();
    assertThat(sender.sendLater(new Heartbeat(3))).isTrue();
    sender.send(new Heartbeat(4)); // a send takes what waits along
    assertThat(sender.hasUnflushed()).isFalse();

    FrameChannel receiver = new FrameChannel(new MemoryChannel(wire.written(), 4096), LIMIT);
    for (long i = 1; i <= 4; i++) {
      assertThat(receiver.receive()).isEqualTo(new Heartbeat(i));
    }
  }

  /** sendAll delivers its messages intact and in order; one oversized message among them means nothing is written. */
  @Test
  void sendAll_deliversInOrder_andAnOversizedMessageSendsNothing() throws IOException {
    MemoryChannel wire = new MemoryChannel(new byte[0], 4096);
    FrameChannel sender = new FrameChannel(wire, LIMIT);

    assertThatThrownBy(() -> sender.sendAll(List.of(new Heartbeat(1), new RunTask(2, false, new byte[LIMIT]))))
        .isInstanceOf(FrameTooLargeException.class);
    assertThat(wire.written()).isEmpty();

    List<Message> batch = List.of(new RunTask(1, false, payload(1, 1)), new Heartbeat(7), new RunTask(2, false, payload(2, 5)));
    sender.sendAll(batch);
    FrameChannel receiver = new FrameChannel(new MemoryChannel(wire.written(), 4096), LIMIT);
    for (Message expected : batch) {
      assertThat(receiver.receive()).isEqualTo(expected);
    }
  }

  /** As FrameChannel's Javadoc promises, an oversized message is refused before its frame buffer is allocated on the sending side too. */
  @Test
  void send_frameOverLimit_isRefusedBeforeFrameBufferIsAllocated() {
    int payloadBytes = 4 << 20;
    Message tooBig = new TaskResult(1, new byte[payloadBytes]);
    MemoryChannel wire = new MemoryChannel(new byte[0], 4096);
    FrameChannel sender = new FrameChannel(wire, LIMIT);
    catchThrowable(() -> sender.send(new TaskResult(0, new byte[LIMIT]))); // load classes first

    long before = allocatedBytes();
    Throwable thrown = catchThrowable(() -> sender.send(tooBig));
    long allocated = allocatedBytes() - before;

    assertThat(thrown).isExactlyInstanceOf(FrameTooLargeException.class);
    assertThat(wire.writeCalls()).isZero();
    assertThat(allocated).as("bytes allocated while refusing a %d-byte payload under a %d-byte limit", payloadBytes, LIMIT).isLessThan(64 * 1024);
  }

  /** Eight threads sending at once through a channel that writes a few bytes per call never interleave frames: every message arrives intact, each thread's in order. */
  @Test
  void send_fromEightThreads_neverInterleavesFrames() throws Exception {
    MemoryChannel wire = new MemoryChannel(new byte[0], 7);
    FrameChannel sender = new FrameChannel(wire, LIMIT * 8);
    int threads = 8;
    int perThread = 250;

    sendConcurrently(sender, threads, perThread);

    FrameChannel receiver = new FrameChannel(new MemoryChannel(wire.written(), 4096), LIMIT * 8);
    assertAllArrivedIntactAndInOrder(receiver, threads, perThread);
    assertThatThrownBy(receiver::receive).isExactlyInstanceOf(EOFException.class);
  }

  /** The same over a real blocking pipe with a concurrent reader: frames never interleave and none is lost. */
  @Test
  void send_fromEightThreadsOverPipe_neverInterleavesFrames() throws Exception {
    Pipe pipe = Pipe.open();
    try (FrameChannel sender = new FrameChannel(new PipeEnd(pipe), LIMIT * 8);
        ExecutorService reader = Executors.newSingleThreadExecutor()) {
      FrameChannel receiver = new FrameChannel(new PipeEnd(pipe), LIMIT * 8);
      Future<?> received = reader.submit(() -> {
        assertAllArrivedIntactAndInOrder(receiver, 8, 200);
        return null;
      });

      sendConcurrently(sender, 8, 200);

      received.get(10, TimeUnit.SECONDS);
    }
  }

  /** close() closes the underlying channel; sending afterwards fails. */
  @Test
  void close_closesUnderlyingChannel() throws IOException {
    MemoryChannel wire = new MemoryChannel(new byte[0], 1);
    FrameChannel channel = new FrameChannel(wire, LIMIT);
    assertThat(wire.isOpen()).isTrue();

    channel.close();

    assertThat(wire.isOpen()).isFalse();
    assertThatThrownBy(() -> channel.send(new Exiting())).isInstanceOf(ClosedChannelException.class);
  }

  // ---------------------------------------------------------------------------------------------

  /** Thread {@code t} sends RunTask(t * 1_000_000 + i) with a payload whose length and bytes both derive from t and i. */
  private static void sendConcurrently(FrameChannel sender, int threads, int perThread) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    sender.send(new RunTask(thread * 1_000_000L + i, i % 2 == 0, payload(thread, i)));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assertAllArrivedIntactAndInOrder(FrameChannel receiver, int threads, int perThread) throws IOException {
    int[] next = new int[threads];
    for (int n = 0; n < threads * perThread; n++) {
      RunTask task = (RunTask) receiver.receive();
      int thread = (int) (task.taskId() / 1_000_000);
      int i = (int) (task.taskId() % 1_000_000);
      assertThat(i).as("order of thread %d", thread).isEqualTo(next[thread]++);
      assertThat(task.exitAfter()).isEqualTo(i % 2 == 0);
      assertThat(task.payload()).as("payload of thread %d message %d", thread, i).isEqualTo(payload(thread, i));
    }
    assertThat(next).containsOnly(perThread);
  }

  private static byte[] payload(int thread, int i) {
    byte[] p = new byte[(thread * 131 + i * 17) % 900];
    Arrays.fill(p, (byte) (thread * 31 + i));
    return p;
  }

  private static byte[] frame(Message m) {
    ByteBuffer f = MessageCodec.encode(m);
    byte[] out = new byte[f.remaining()];
    f.get(out);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * {@return the bytes the current thread has allocated so far} Reached reflectively: the tests
   * compile inside module dev.multiproc, which does not read java.management, but run on the class
   * path, where everything is readable.
   */
  private static long allocatedBytes() {
    try {
      return (long) ALLOCATED_BYTES.invokeExact();
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  private static final MethodHandle ALLOCATED_BYTES;

  static {
    try {
      Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
      ALLOCATED_BYTES = MethodHandles.publicLookup().unreflect(allocated).bindTo(bean).asType(MethodType.methodType(long.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * An in-memory channel: reads drain a fixed input and then report EOF; writes append to a
   * buffer. Each call moves at most {@code chunk} bytes, so callers must loop, and a writer
   * yields after each call so that unsynchronised writers would interleave.
   */
  static final class MemoryChannel implements ByteChannel {
    private final ByteBuffer input;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final int chunk;
    private int writeCalls;
    private volatile boolean open = true;

    MemoryChannel(byte[] input, int chunk) {
      this.input = ByteBuffer.wrap(input);
      this.chunk = chunk;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
      ensureOpen();
      if (!input.hasRemaining()) {
        return -1;
      }
      int n = Math.min(chunk, Math.min(dst.remaining(), input.remaining()));
      dst.put(dst.position(), input, input.position(), n);
      dst.position(dst.position() + n);
      input.position(input.position() + n);
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n;
      synchronized (this) {
        ensureOpen();
        writeCalls++;
        n = Math.min(chunk, src.remaining());
        byte[] bytes = new byte[n];
        src.get(bytes);
        output.writeBytes(bytes);
      }
      Thread.yield();
      return n;
    }

    synchronized byte[] written() {
      return output.toByteArray();
    }

    synchronized int unread() {
      return input.remaining();
    }

    synchronized int writeCalls() {
      return writeCalls;
    }

    private void ensureOpen() throws ClosedChannelException {
      if (!open) {
        throw new ClosedChannelException();
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /** Both ends of a pipe as one ByteChannel: reads from the source, writes to the sink. */
  static final class PipeEnd implements ByteChannel {
    private final Pipe pipe;

    PipeEnd(Pipe pipe) {
      this.pipe = pipe;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return pipe.source().read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return pipe.sink().write(src);
    }

    @Override
    public boolean isOpen() {
      return pipe.sink().isOpen() && pipe.source().isOpen();
    }

    @Override
    public void close() throws IOException {
      pipe.sink().close();
      pipe.source().close();
    }
  }
}
