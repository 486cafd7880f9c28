package dev.multiproc.internal.launch;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * Random bytes for worker channel secrets and runtime directory names, read straight from the
 * kernel's {@code /dev/urandom}.
 *
 * <p>That is the very source the JDK's default {@link SecureRandom} reads on Linux (NativePRNG),
 * without the security provider framework behind it: a cold JVM spends ~20 ms initializing that
 * framework (measured on this VM), on the path of every pool's first worker start. Where there is
 * no {@code /dev/urandom}, a {@link SecureRandom} is used instead.
 */
final class KernelRandom {
  private KernelRandom() {}

  static void fill(byte[] bytes) {
    try (InputStream urandom = new FileInputStream("/dev/urandom")) {
      if (urandom.readNBytes(bytes, 0, bytes.length) == bytes.length) {
        return;
      }
    } catch (IOException e) {
      // no /dev/urandom here: the provider framework it is
    }
    Fallback.RANDOM.nextBytes(bytes);
  }

  /** Created on first use only: its construction is the cost this class avoids. */
  private static final class Fallback {
    static final SecureRandom RANDOM = new SecureRandom();
  }
}
