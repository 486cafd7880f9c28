package dev.multiproc.connection;

import dev.multiproc.internal.connection.Handshakes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Accepts authenticated {@link Connection}s on a Unix-domain or TCP socket: Python's {@code
 * multiprocessing.connection.Listener(address, authkey=...)}.
 *
 * <p>Every accepted peer must pass a mutual HMAC-SHA256 challenge on the shared key (see {@link
 * Client}): {@link #accept()} throws {@link AuthenticationException} for a peer without the key (or
 * one that says nothing for 10 s), having closed its socket, and the listener stays usable. The key
 * is never sent. Messages are not encrypted: across machines, use a trusted network or a tunnel.
 *
 * <p>Thread-safe: several threads may accept at once. {@link #close()} stops accepting (a blocked
 * {@code accept()} throws) and removes the socket file of a Unix-domain listener; accepted
 * connections stay open.
 *
 * {@snippet :
 * byte[] key = "secret password".getBytes(UTF_8);
 * try (Listener listener = Listener.open(new InetSocketAddress("localhost", 6000), key);
 *      Connection c = listener.accept()) {
 *   c.send(List.of(1, 2.5, "hello"));
 * }
 * // elsewhere: Client.connect(new InetSocketAddress("server", 6000), key).recv()
 * }
 */
public final class Listener implements AutoCloseable {
  private final ServerSocketChannel server;
  private final SocketAddress address;
  private final byte[] key;
  private final Path createdDirectory;

  private Listener(ServerSocketChannel server, SocketAddress address, byte[] key, Path createdDirectory) {
    this.server = server;
    this.address = address;
    this.key = key;
    this.createdDirectory = createdDirectory;
  }

  /**
   * Listens on an address: a {@link UnixDomainSocketAddress} (the file must not exist) or an {@link
   * InetSocketAddress} (port 0 picks a free port; see {@link #address()}).
   *
   * @param address where to listen
   * @param authkey the key peers must prove they hold, non-empty
   * @return the listener
   * @throws IOException if the address cannot be bound
   */
  public static Listener open(SocketAddress address, byte[] authkey) throws IOException {
    byte[] key = Handshakes.checkKey(authkey);
    ServerSocketChannel server =
        switch (address) {
          case UnixDomainSocketAddress u -> ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          case InetSocketAddress i -> ServerSocketChannel.open();
          default -> throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
        };
    try {
      server.bind(address);
      return new Listener(server, server.getLocalAddress(), key, null);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Listens on a Unix-domain socket in a fresh private directory (Python's {@code
   * Listener(authkey=...)} with no address); clients connect to {@link #address()}.
   *
   * @param authkey the key peers must prove they hold, non-empty
   * @return the listener
   * @throws IOException if the socket cannot be created
   */
  public static Listener open(byte[] authkey) throws IOException {
    Handshakes.checkKey(authkey);
    Path dir = Files.createTempDirectory("multiproc-listener-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Listener l = open(UnixDomainSocketAddress.of(dir.resolve("socket")), authkey);
      return new Listener(l.server, l.address, l.key, dir);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
  }

  /** {@return the address clients connect to (with the actual port, when port 0 was asked)} */
  public SocketAddress address() {
    return address;
  }

  /**
   * Waits for a peer and authenticates it.
   *
   * @return the connection
   * @throws AuthenticationException if the peer does not hold the key (its socket is closed; the
   *     listener stays open)
   * @throws IOException if the listener is closed or the socket fails
   * @throws InterruptedException if interrupted during the handshake
   */
  public Connection accept() throws IOException, InterruptedException {
    SocketChannel channel = server.accept();
    return Handshakes.authenticate(channel, key, true);
  }

  /** Stops listening; removes a Unix-domain socket file (and the directory {@link #open(byte[])} made). */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    if (address instanceof UnixDomainSocketAddress u) {
      try {
        Files.deleteIfExists(u.getPath());
        if (createdDirectory != null) {
          Files.deleteIfExists(createdDirectory);
        }
      } catch (IOException e) {
        // A leftover socket file in a private directory: harmless.
      }
    }
  }

  @Override
  public String toString() {
    return "Listener[" + address + "]";
  }
}
