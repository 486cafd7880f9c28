package dev.multiproc.internal.connection;

import dev.multiproc.connection.AuthenticationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authentication handshake of {@code Listener} and {@code Client}: Python's {@code
 * deliver_challenge}/{@code answer_challenge}, with HMAC-SHA256.
 *
 * <pre>
 * challenger                                  answerer
 *   "#CHALLENGE#" + 32 random bytes  ------>
 *                                    <------  HMAC-SHA256(key, the random bytes)
 *   "#WELCOME#" or "#FAILURE#"       ------>
 * </pre>
 *
 * The listener challenges first, then answers the client's challenge, so each side proves the key
 * to the other and neither ever sends the key itself. Handshake messages are at most 256 bytes (a
 * peer cannot make us allocate more before it is authenticated); digests are compared in constant
 * time.
 */
final class AuthChallenge {
  private static final byte[] CHALLENGE = "#CHALLENGE#".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WELCOME = "#WELCOME#".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FAILURE = "#FAILURE#".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 32;
  private static final int MAX_HANDSHAKE_BYTES = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private AuthChallenge() {}

  /** Challenges the peer to prove it holds {@code key}; closes nothing, throws if it does not. */
  static void deliver(SocketConnection c, byte[] key) throws IOException, InterruptedException {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] message = Arrays.copyOf(CHALLENGE, CHALLENGE.length + NONCE_BYTES);
    System.arraycopy(nonce, 0, message, CHALLENGE.length, NONCE_BYTES);
    c.sendBytes(message);
    byte[] response = c.recvBytes(MAX_HANDSHAKE_BYTES);
    if (MessageDigest.isEqual(response, hmac(key, nonce))) {
      c.sendBytes(WELCOME);
    } else {
      c.sendBytes(FAILURE);
      throw new AuthenticationException("the peer's digest does not match: it does not hold the authentication key");
    }
  }

  /** Answers the peer's challenge with {@code key}; throws if the peer refuses the answer. */
  static void answer(SocketConnection c, byte[] key) throws IOException, InterruptedException {
    byte[] message = c.recvBytes(MAX_HANDSHAKE_BYTES);
    if (message.length <= CHALLENGE.length || !Arrays.equals(message, 0, CHALLENGE.length, CHALLENGE, 0, CHALLENGE.length)) {
      throw new AuthenticationException("the peer did not start the authentication handshake (not a Multiproc listener?)");
    }
    c.sendBytes(hmac(key, Arrays.copyOfRange(message, CHALLENGE.length, message.length)));
    byte[] verdict = c.recvBytes(MAX_HANDSHAKE_BYTES);
    if (!Arrays.equals(verdict, WELCOME)) {
      throw new AuthenticationException("the peer refused our digest: the authentication keys differ");
    }
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
    }
  }
}
