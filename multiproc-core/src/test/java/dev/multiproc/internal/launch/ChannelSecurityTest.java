package dev.multiproc.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.ChildProcess;
import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.Message.Hello;
import dev.multiproc.testing.NoStrayChildren;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker channel admits only the child that holds the per-worker secret. */
@ExtendWith(NoStrayChildren.class)
@Timeout(60)
class ChannelSecurityTest {

  /** The runtime directory is 0700 and the socket 0600. */
  @Test
  void runtimeDirectoryAndSocket_areOwnerOnly() throws Exception {
    var listener = ChannelListener.instance();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(RuntimeDirectory.get()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(listener.socketPath()))).isEqualTo("rw-------");
  }

  /** A local peer presenting a pending worker id with the wrong secret is disconnected, and the real child still connects. */
  @Test
  void wrongSecret_isRefused_realChildStillConnects() throws Exception {
    ChannelListener listener = ChannelListener.instance();
    byte[] secret = new byte[32];
    secret[0] = 1;
    CompletableFuture<ChannelListener.Connection> expected = listener.expect("test-worker", secret, 1 << 20);
    try (SocketChannel intruder = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      intruder.connect(UnixDomainSocketAddress.of(listener.socketPath()));
      FrameChannel channel = new FrameChannel(intruder, 1 << 20);
      channel.send(new Hello("test-worker", new byte[32], ProcessHandle.current().pid()));
      assertThat(readUntilClosed(intruder)).isTrue();
    }
    assertThat(expected).isNotDone();
    try (SocketChannel genuine = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      genuine.connect(UnixDomainSocketAddress.of(listener.socketPath()));
      new FrameChannel(genuine, 1 << 20).send(new Hello("test-worker", secret, 42));
      assertThat(expected.get(5, TimeUnit.SECONDS).pid()).isEqualTo(42);
    }
  }

  /** Garbage instead of a HELLO frame is disconnected. */
  @Test
  void garbageHandshake_isRefused() throws Exception {
    try (SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      peer.connect(UnixDomainSocketAddress.of(ChannelListener.instance().socketPath()));
      peer.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 8, 1, 'G', 'E', 'T', ' ', '/', ' ', 'H'}));
      assertThat(readUntilClosed(peer)).isTrue();
    }
  }

  /** After all that, ordinary children still work. */
  @Test
  void childrenStillWork() throws Exception {
    ChildProcess<Integer> p = ChildProcess.of(() -> 7);
    p.start();
    assertThat(p.result()).isEqualTo(7);
  }

  private static boolean readUntilClosed(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64);
    try {
      while (channel.read(buffer.clear()) >= 0) {
        // the listener never writes to an unauthenticated peer
      }
      return true;
    } catch (EOFException e) {
      return true;
    } catch (IOException e) {
      return true; // reset by peer also means refused
    }
  }
}
