package dev.multiproc.internal.connection;

import dev.multiproc.connection.AuthenticationException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the mutual handshake over a freshly connected socket, with a deadline: a peer that connects
 * and says nothing is dropped after {@link #TIMEOUT} instead of holding {@code accept()} forever.
 */
public final class Handshakes {
  /** How long a peer has to complete the handshake. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("multiproc-handshake-timer").unstarted(r));

  private Handshakes() {}

  /**
   * Authenticates a connection.
   *
   * @param channel the connected channel; closed if the handshake fails
   * @param key the shared key
   * @param listenerSide true for the accepting side (it challenges first)
   * @return the authenticated connection
   * @throws AuthenticationException if either side's proof fails, or the peer is too slow
   * @throws IOException if the channel fails
   * @throws InterruptedException if interrupted
   */
  public static SocketConnection authenticate(SocketChannel channel, byte[] key, boolean listenerSide) throws IOException, InterruptedException {
    SocketConnection c = new SocketConnection(channel);
    ScheduledFuture<?> timeout = TIMER.schedule(c::close, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    boolean ok = false;
    try {
      if (listenerSide) {
        AuthChallenge.deliver(c, key);
        AuthChallenge.answer(c, key);
      } else {
        AuthChallenge.answer(c, key);
        AuthChallenge.deliver(c, key);
      }
      ok = true;
      return c;
    } catch (IOException e) {
      if (c.isClosed() && !(e instanceof AuthenticationException)) {
        throw new AuthenticationException("the peer did not complete the authentication handshake within " + TIMEOUT.toSeconds() + " s");
      }
      throw e;
    } finally {
      timeout.cancel(false);
      if (!ok) {
        c.close();
      }
    }
  }

  /**
   * {@return a copy of {@code key}, checked non-empty}
   *
   * @param key the caller's key
   */
  public static byte[] checkKey(byte[] key) {
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException("an authentication key is required (non-empty bytes shared by both sides)");
    }
    return key.clone();
  }
}
