package dev.multiproc.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.MultiprocException;
import dev.multiproc.codec.JavaSerializationCodec;
import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.testing.NoStrayChildren;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker channel admits only the child that holds the per-worker secret. */
@ExtendWith(NoStrayChildren.class)
@Timeout(60)
class ChannelSecurityTest {

  /** The runtime directory is 0700 and a worker's FIFO 0600 (and gone once both ends are open). */
  @Test
  void runtimeDirectoryAndFifo_areOwnerOnly() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(RuntimeDirectory.get()))).isEqualTo("rwx------");
    Path fifo = RuntimeDirectory.get().resolve("mode-check.up");
    Fifo.create(fifo);
    try {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fifo))).isEqualTo("rw-------");
    } finally {
      Files.delete(fifo);
    }
    ChildProcess<Integer> p = ChildProcess.of(() -> 7);
    p.start();
    assertThat(p.result()).isEqualTo(7);
    try (Stream<Path> left = Files.list(RuntimeDirectory.get())) {
      assertThat(left.map(Path::toString).filter(n -> n.endsWith(".up"))).isEmpty();
    }
  }

  /**
   * A local process that opens a worker's FIFO before the worker and writes a HELLO without the
   * secret makes the launch fail, and the child is killed: it never gets work.
   */
  @Test
  void intruderHello_failsTheLaunch() throws Exception {
    // -Xint makes the child slow to start, so the intruder reliably wins the race to the FIFO.
    LaunchSpec slow =
        new LaunchSpec(List.of("-Xint", "-Xshare:off"), JavaSerializationCodec.class.getName(), false, 1 << 20, Duration.ofSeconds(30));
    CompletableFuture<Object> launch = CompletableFuture.supplyAsync(() -> WorkerLauncher.launch(slow, "intruded", null));
    Path fifo = awaitFifo();
    try (FileOutputStream intruder = new FileOutputStream(fifo.toFile())) {
      FrameChannel channel = new FrameChannel(null, intruder, 1 << 20);
      String workerId = fifo.getFileName().toString().replace(".up", "");
      channel.send(new Hello(workerId, new byte[FrameDescriptor.SECRET_BYTES], ProcessHandle.current().pid()));
    }
    assertThatThrownBy(launch::join)
        .hasCauseInstanceOf(MultiprocException.class)
        .hasMessageContaining("handshake failed");
  }

  private static Path awaitFifo() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(RuntimeDirectory.get())) {
        var fifo = files.filter(p -> p.getFileName().toString().endsWith(".up")).findFirst();
        if (fifo.isPresent()) {
          return fifo.get();
        }
      }
      Thread.sleep(1);
    }
    throw new AssertionError("no worker FIFO appeared");
  }
}
