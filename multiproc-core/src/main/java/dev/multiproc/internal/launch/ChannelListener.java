package dev.multiproc.internal.launch;

import dev.multiproc.internal.protocol.FrameChannel;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.Hello;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The one Unix-domain socket on which this JVM's children connect back.
 *
 * <p>A child proves who it is with HELLO: the worker id the parent put on its command line and
 * the 32-byte random secret the parent wrote to its stdin (never on a command line, which any
 * local user can read). A connection that does not present a pending id with its exact secret
 * within {@link #HANDSHAKE_TIMEOUT_MILLIS} is closed; a secret is accepted once. The socket lives
 * in a 0700 directory and is itself 0600.
 */
final class ChannelListener {
  static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  /** A connected, authenticated child. */
  record Connection(FrameChannel channel, long pid) {}

  private record Pending(byte[] secret, int maxFrameBytes, CompletableFuture<Connection> connected) {}

  private static final class Holder {
    static final ChannelListener INSTANCE = new ChannelListener();
  }

  private final Path socketPath;
  private final ServerSocketChannel server;
  private final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();

  private ChannelListener() {
    socketPath = RuntimeDirectory.get().resolve("workers.sock");
    try {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socketPath), 128);
      Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + socketPath, e);
    }
    Thread.ofPlatform().daemon().name("multiproc-acceptor").start(this::acceptLoop);
  }

  static ChannelListener instance() {
    return Holder.INSTANCE;
  }

  Path socketPath() {
    return socketPath;
  }

  /** Registers a child about to be started; the future completes when it has authenticated. */
  CompletableFuture<Connection> expect(String workerId, byte[] secret, int maxFrameBytes) {
    CompletableFuture<Connection> connected = new CompletableFuture<>();
    pending.put(workerId, new Pending(secret.clone(), maxFrameBytes, connected));
    connected.whenComplete((c, e) -> pending.remove(workerId));
    return connected;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel socket = server.accept();
        Thread.ofVirtual().name("multiproc-handshake").start(() -> handshake(socket));
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
      }
    }
  }

  private void handshake(SocketChannel socket) {
    // Cap what an unauthenticated peer may make us allocate: HELLO is tiny.
    FrameChannel channel = new FrameChannel(socket, 4096);
    CompletableFuture<Void> deadline =
        CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    deadline.thenRun(() -> closeQuietly(channel));
    try {
      Message first = channel.receive();
      if (first instanceof Hello hello) {
        Pending expected = pending.remove(hello.workerId());
        if (expected != null
            && hello.secret().length == FrameDescriptor.SECRET_BYTES
            && MessageDigest.isEqual(expected.secret(), hello.secret())
            && deadline.cancel(false)) {
          expected.connected().complete(new Connection(new FrameChannel(socket, expected.maxFrameBytes()), hello.pid()));
          return;
        }
        if (expected != null) {
          // Wrong secret for a real id: put it back so the genuine child can still connect.
          pending.putIfAbsent(hello.workerId(), expected);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Malformed or slow peer: refused below.
    }
    deadline.cancel(false);
    closeQuietly(channel);
  }

  private static void closeQuietly(FrameChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
