package dev.multiproc.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic file in the Google Books 1-gram layout ({@code ngram TAB year TAB match_count
 * TAB volume_count}, grouped by word, years ascending), deterministic for a given line count and
 * seed: the same arguments give the same bytes on any machine.
 *
 * <p>Shape: word ranks follow a Zipf-like law — the word of rank {@code r} appears in about {@code
 * 400 / r^0.25} years (5 to 400) with match counts near {@code 10^6 / r} — so a 20,000,000-line
 * file (~400 MB) has about a million distinct words. Words are distinct strings of
 * consonant-vowel syllables; about a quarter contain a non-ASCII vowel ({@code é}, {@code ü}), so
 * UTF-8 handling is exercised. Words are written in a scrambled rank order, as in the real files
 * frequent and rare words are mixed.
 */
final class NgramGenerator {
  private static final byte[][] CONSONANTS = ascii("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z");
  private static final byte[][] VOWELS = {
    ascii("a")[0], ascii("e")[0], ascii("i")[0], ascii("o")[0], ascii("u")[0], ascii("y")[0],
    "é".getBytes(StandardCharsets.UTF_8), "ü".getBytes(StandardCharsets.UTF_8)
  };
  private static final int SYLLABLES = CONSONANTS.length * VOWELS.length;
  private static final int FIRST_YEAR = 1505;
  private static final int LAST_YEAR = 2008;

  private NgramGenerator() {}

  /** What was written. */
  record Summary(long lines, long words, long bytes) {}

  /**
   * Writes {@code lines} lines to {@code out}.
   *
   * @param out the file to (over)write
   * @param lines how many lines, at least 0
   * @param seed the random seed
   * @return what was written
   */
  static Summary generate(Path out, long lines, long seed) throws IOException {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must be >= 0, got " + lines);
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream file = Files.newOutputStream(out);
        BufferedOutputStream buffered = new BufferedOutputStream(file, 1 << 20)) {
      return write(buffered, lines, seed);
    }
  }

  /**
   * Returns the shared generated sample with {@code lines} lines (seed 1) under {@code
   * java.io.tmpdir}/multiproc-samples, generating it first if absent (atomically: a concurrent or
   * interrupted generation never leaves a partial sample behind).
   *
   * @param lines how many lines
   * @param log where to say that a sample is being generated
   * @return the sample
   */
  static Path sample(long lines, PrintStream log) throws IOException {
    Path directory = Path.of(System.getProperty("java.io.tmpdir"), "multiproc-samples");
    Path file = directory.resolve("googlebooks-sample-1gram-" + lines + "-seed1.tsv");
    if (!Files.exists(file)) {
      log.printf(Locale.ROOT, "generating a %,d-line sample in the 1-gram layout at %s%n", lines, file);
      Files.createDirectories(directory);
      Path partial = Files.createTempFile(directory, "sample", ".partial");
      try {
        generate(partial, lines, 1);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
    return file;
  }

  private static Summary write(OutputStream out, long lines, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long vocabulary = vocabularyFor(lines);
    long step = coprimeStep(vocabulary);
    byte[] line = new byte[256];
    long written = 0;
    long bytes = 0;
    long words = 0;
    for (long i = 0; written < lines; i++) {
      // Scramble the rank order with a full-cycle step over the vocabulary; past it, ranks go on in order.
      long rank = i < vocabulary ? 1 + (i * step) % vocabulary : i + 1;
      int wordLength = word(rank, line);
      int years = Math.clamp(Math.round(400 / Math.pow(rank, 0.25) * (0.5 + random.nextDouble())), 5, 400);
      years = Math.min(years, LAST_YEAR - FIRST_YEAR + 1);
      int firstYear = LAST_YEAR - years + 1 - random.nextInt(LAST_YEAR - FIRST_YEAR + 2 - years);
      double base = 1_000_000.0 / rank;
      words++;
      for (int y = 0; y < years && written < lines; y++) {
        int at = wordLength;
        line[at++] = '\t';
        at = decimal(firstYear + y, line, at);
        line[at++] = '\t';
        long matches = Math.max(1, Math.round(base * (0.2 + 1.6 * random.nextDouble()) * (1 + y / 50.0)));
        at = decimal(matches, line, at);
        line[at++] = '\t';
        at = decimal(Math.max(1, matches / (1 + random.nextInt(8))), line, at);
        line[at++] = '\n';
        out.write(line, 0, at);
        bytes += at;
        written++;
      }
    }
    return new Summary(written, words, bytes);
  }

  /** The vocabulary size that gives about {@code lines} lines (400 r^-0.25 lines per word summed). */
  private static long vocabularyFor(long lines) {
    return Math.max(1, (long) Math.pow(lines * 0.75 / 400, 1 / 0.75));
  }

  private static long coprimeStep(long n) {
    long step = (long) (n * 0.618033988749895) | 1;
    while (gcd(step, n) != 1) {
      step += 2;
    }
    return step % n == 0 ? 1 : step;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** Writes the word of a rank (its base-128 digits as syllables; distinct ranks give distinct words). */
  private static int word(long rank, byte[] into) {
    int at = 0;
    for (long n = rank; n > 0; n /= SYLLABLES) {
      int syllable = (int) (n % SYLLABLES);
      into[at++] = CONSONANTS[syllable % CONSONANTS.length][0];
      byte[] vowel = VOWELS[syllable / CONSONANTS.length];
      System.arraycopy(vowel, 0, into, at, vowel.length);
      at += vowel.length;
    }
    return at;
  }

  private static int decimal(long value, byte[] into, int at) {
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--) {
      into[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + digits;
  }

  private static byte[][] ascii(String... values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i].getBytes(StandardCharsets.US_ASCII);
    }
    return bytes;
  }
}
