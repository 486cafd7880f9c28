package dev.multiproc.connection;

import dev.multiproc.internal.connection.Handshakes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Connects to a {@link Listener}: Python's {@code multiprocessing.connection.Client(address,
 * authkey=...)}.
 *
 * <p>After connecting, client and listener each prove to the other, by an HMAC-SHA256 challenge,
 * that they hold the same key; the key itself is never sent. A wrong key fails with {@link
 * AuthenticationException} on both sides and no message is exchanged.
 *
 * {@snippet :
 * try (Connection c = Client.connect(listenerAddress, key)) {
 *   Object greeting = c.recv();
 * }
 * }
 */
public final class Client {
  private Client() {}

  /**
   * Connects and authenticates.
   *
   * @param address the listener's address ({@link Listener#address()})
   * @param authkey the shared key, non-empty
   * @return the connection
   * @throws AuthenticationException if the keys differ
   * @throws IOException if the listener cannot be reached
   * @throws InterruptedException if interrupted during the handshake
   */
  public static Connection connect(SocketAddress address, byte[] authkey) throws IOException, InterruptedException {
    byte[] key = Handshakes.checkKey(authkey);
    SocketChannel channel =
        switch (address) {
          case UnixDomainSocketAddress u -> SocketChannel.open(StandardProtocolFamily.UNIX);
          case InetSocketAddress i -> SocketChannel.open();
          default -> throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
        };
    try {
      channel.connect(address);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return Handshakes.authenticate(channel, key, false);
  }
}
