package dev.multiproc.internal.launch;

import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.RunTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/*
 * Overview: the JDK 25 AOT cache (JEP 483/514) for worker JVMs.
 *
 * A worker spends most of its start-up loading and linking the same classes every time (streams,
 * object streams, lambda deserialization). An AOT cache, recorded once by a training run with
 * -XX:AOTMode=record and used afterwards with -XX:AOTCache, makes those classes arrive loaded and
 * linked (MEASURED.md: ~93 ms -> ~70 ms for a worker-like child). Recording uses the two-step
 * form (-XX:AOTMode=record, then -XX:AOTMode=create) so we wait for the assembly ourselves; the
 * one-step -XX:AOTCacheOutput returns before its assembly child has written the file.
 *
 * The training run is a real worker running WarmUp's task: given a sample of the user's first
 * task, it decodes that sample (without running it), so the user's task classes and lambda are
 * archived along with ours. That is JEP 483's model: train on a representative workload.
 *
 * The cache is only valid for one JDK build, class path (down to each jar's size and modification
 * time) and set of JVM options, so it is keyed by a hash of all of them and lives in ~/.cache/multiproc/aot/<hash>.aot. It is built lazily: the
 * first launch with a new key starts a background training worker and itself runs without a
 * cache; later launches use it once the file exists. We do not rely on the JVM noticing a rebuilt
 * jar: on JDK 25.0.3 it served archived classes of a jar that had since been rebuilt, so the key
 * changes with any jar and a stale cache is simply never opened. -Dmultiproc.aot=off disables all of this; so does a class path with class
 * directories (IDE and test runs), which the JVM cannot archive.
 */
/** Records and applies the JDK AOT cache for worker JVMs. */
public final class AotCache {
  private static final ConcurrentMap<String, CompletableFuture<Boolean>> TRAINING = new ConcurrentHashMap<>();
  /** Caches kept per user: one per class path and option set in use, the oldest go first. */
  private static final int MAX_CACHES = 16;
  /** How long after a background training attempt another may start for the same key. */
  private static final Duration RETRY_AFTER = Duration.ofMinutes(10);
  private static final boolean ENABLED = !"off".equalsIgnoreCase(System.getProperty("multiproc.aot", "auto"));
  /**
   * The JVM archives classes from jars only and refuses a class path with a non-empty directory
   * (an IDE's or Maven's target/classes): then there is nothing to gain, so no training either.
   */
  private static final boolean USABLE = ENABLED && jarsOnly(JvmCommandLine.classPath());

  private static boolean jarsOnly(String classPath) {
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry.isEmpty() ? "." : entry);
      if (Files.isDirectory(path)) {
        try (var children = Files.list(path)) {
          if (children.findAny().isPresent()) {
            return false;
          }
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }

  private AotCache() {}

  /**
   * Options that make a worker for {@code spec} use the cache, starting its training if needed.
   *
   * @param spec the launch spec
   * @return JVM options (empty while no cache exists)
   */
  public static List<String> options(LaunchSpec spec, byte[] sample) {
    if (!usableFor(spec)) {
      return List.of();
    }
    Path dir = directory();
    String key = key(spec);
    Path cache = dir.resolve(key + ".aot");
    if (Files.isRegularFile(cache)) {
      return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }
    if (!recentlyAttempted(dir, cache)) {
      startTraining(spec, dir, key, cache, sample);
    }
    return List.of();
  }

  /**
   * Whether a background training for this key started within the last {@link #RETRY_AFTER}
   * without producing a cache. A short-lived parent (a command-line run of a few seconds) exits
   * before its training finishes, and its shutdown kills the training; without this marker, every
   * such run would start a futile training that competes with its own workers for CPU.
   */
  private static boolean recentlyAttempted(Path dir, Path cache) {
    Path marker = marker(cache, ".attempt");
    try {
      if (writtenWithinRetryWindow(marker)) {
        return true;
      }
      createPrivateDirectory(dir);
      writeMarker(marker);
      return false;
    } catch (IOException e) {
      return true; // a cache directory we cannot write: no training either
    }
  }

  /**
   * Builds the cache for {@code spec} now (or waits for a training already running).
   *
   * @param spec the launch spec
   * @param timeout how long to wait
   * @return whether a cache is ready
   */
  public static boolean prepare(LaunchSpec spec, byte[] sample, Duration timeout) {
    if (!usableFor(spec)) {
      return false;
    }
    Path dir = directory();
    String key = key(spec);
    Path cache = dir.resolve(key + ".aot");
    if (Files.isRegularFile(cache)) {
      return true;
    }
    if (failedRecently(cache)) {
      return false; // a caller that prepares on every run (the word count) must not pay for a broken training each time
    }
    try {
      return startTraining(spec, dir, key, cache, sample).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    } catch (TimeoutException e) {
      // Far longer than a training takes (~3 s): treat it as broken, so a caller that prepares on
      // every run does not wait this long again each time.
      markFailed(cache);
      return false;
    }
  }

  /** No cache with class directories on the class path, nor for a user who manages AOT or CDS options. */
  private static boolean usableFor(LaunchSpec spec) {
    return USABLE && spec.jvmOptions().stream().noneMatch(o -> o.startsWith("-XX:AOT") || o.startsWith("-Xshare"));
  }

  private static CompletableFuture<Boolean> startTraining(
      LaunchSpec spec, Path dir, String key, Path cache, byte[] sample) {
    return TRAINING.computeIfAbsent(
        key,
        k -> {
          CompletableFuture<Boolean> done = new CompletableFuture<>();
          Thread.ofVirtual().name("multiproc-aot-training").start(() -> done.complete(train(spec, dir, cache, sample)));
          return done;
        });
  }

  private static boolean train(LaunchSpec spec, Path dir, Path cache, byte[] sample) {
    String stem = cache.getFileName() + "." + ProcessHandle.current().pid();
    Path configuration = dir.resolve(stem + ".conf.tmp");
    Path partial = dir.resolve(stem + ".tmp");
    Path log = dir.resolve(stem + ".log.tmp");
    try {
      createPrivateDirectory(dir);
      removeLeftovers(dir);
      // Step 1 (JEP 483 "record"): a real worker runs a representative task.
      WorkerHandle worker =
          WorkerLauncher.launch(
              spec,
              "aot-training",
              List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration, "-Xlog:aot=off", "-Xlog:cds=off"),
              true,
              null);
      worker.listen(
          new WorkerHandle.Listener() {
            @Override
            public void onMessage(Message message) {
              worker.release(); // the outcome is its last word: let it exit without delay
            }

            @Override
            public void onChannelEnd(IOException error) {}
          });
      ValueEncoding encoding = new ValueEncoding(Codecs.instantiate(spec.codecClass()));
      worker.send(new RunTask(0, true, encoding.encode(WarmUp.task(spec.codecClass(), sample, true))));
      if (!worker.process().waitFor(1, TimeUnit.MINUTES) || !Files.isRegularFile(configuration)) {
        worker.kill();
        throw new IOException("training run recorded no configuration (exit " + worker.process().exitValue() + ")");
      }
      // Step 2 ("create"): assemble the cache; we wait for it, so the file is complete when moved.
      Process assembly =
          ProcessSpawner.spawn(
              new ProcessBuilder(JvmCommandLine.aotAssembly(spec, configuration, partial))
                  .redirectErrorStream(true)
                  .redirectOutput(log.toFile()));
      ChildRegistry.add(assembly);
      if (!assembly.waitFor(2, TimeUnit.MINUTES)) {
        assembly.destroyForcibly();
        markFailed(cache);
        return false;
      }
      if (assembly.exitValue() != 0 || !Files.isRegularFile(partial)) {
        throw new IOException("assembly exited with " + assembly.exitValue() + ": " + Files.readString(log));
      }
      Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      deleteQuietly(marker(cache, ".attempt"));
      deleteQuietly(marker(cache, ".failed"));
      return true;
    } catch (IOException | RuntimeException e) {
      // No cache: workers start a little slower, nothing else changes.
      if (Boolean.getBoolean("multiproc.debug")) {
        System.err.println("multiproc: AOT cache training failed: " + e);
      }
      markFailed(cache);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      deleteQuietly(configuration);
      deleteQuietly(partial);
      deleteQuietly(log);
    }
  }

  /**
   * Notes that a training for this cache failed or took far too long, so {@link #prepare} does not
   * start another for {@link #RETRY_AFTER}. (A training killed by its parent's exit usually leaves
   * no marker, and the next run tries again.)
   */
  private static void markFailed(Path cache) {
    try {
      writeMarker(marker(cache, ".failed"));
    } catch (IOException e) {
      // an unwritable cache directory: the next prepare fails fast at createPrivateDirectory anyway
    }
  }

  private static boolean failedRecently(Path cache) {
    try {
      return writtenWithinRetryWindow(marker(cache, ".failed"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The marker file of a kind ({@code .attempt}, {@code .failed}) beside a cache. */
  private static Path marker(Path cache, String kind) {
    return cache.resolveSibling(cache.getFileName().toString().replace(".aot", kind));
  }

  private static boolean writtenWithinRetryWindow(Path marker) throws IOException {
    return Files.exists(marker) && Files.getLastModifiedTime(marker).toMillis() > System.currentTimeMillis() - RETRY_AFTER.toMillis();
  }

  private static void writeMarker(Path marker) throws IOException {
    Files.writeString(marker, Long.toString(ProcessHandle.current().pid()));
  }

  /**
   * Creates the cache directory readable and writable by its owner only: workers load code from
   * what is in it, so nobody else may put a file there.
   */
  private static void createPrivateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  /** Removes temporary files of trainings that died, and all but the newest caches. */
  private static void removeLeftovers(Path dir) throws IOException {
    long staleBefore = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(10);
    List<Path> caches = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".tmp") || name.contains(".tmp.") || name.endsWith(".attempt") || name.endsWith(".failed")) {
          if (Files.getLastModifiedTime(file).toMillis() < staleBefore) {
            deleteQuietly(file);
          }
        } else if (name.endsWith(".aot")) {
          caches.add(file);
        }
      }
    }
    if (caches.size() > MAX_CACHES) {
      caches.sort(Comparator.comparingLong(AotCache::lastModified));
      caches.subList(0, caches.size() - MAX_CACHES).forEach(AotCache::deleteQuietly);
    }
  }

  private static long lastModified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // leave it for the next clean-up
    }
  }

  private static Path directory() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("multiproc").resolve("aot");
  }

  /**
   * The cache's name: a 128-bit hash of everything the cache depends on. Not a cryptographic
   * digest on purpose: nobody chooses these inputs to collide, and MessageDigest would initialize
   * the security provider framework (~20 ms of a cold JVM) before the first worker can start.
   */
  private static String key(LaunchSpec spec) {
    List<String> parts = new ArrayList<>();
    parts.add(System.getProperty("java.home"));
    parts.add(System.getProperty("java.vm.version"));
    // Every jar's size and modification time: the JVM does not re-validate every class path
    // entry of an AOT cache (we saw a rebuilt jar's stale classes served), so a changed jar must
    // mean a different cache.
    for (String entry : JvmCommandLine.classPath().split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      parts.add(entry);
      try {
        parts.add(Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis());
      } catch (IOException e) {
        parts.add("missing");
      }
    }
    parts.add(String.join("\u0000", spec.jvmOptions()));
    parts.add(spec.codecClass());
    long fnv = 0xCBF29CE484222325L; // FNV-1a, 64 bits
    long mixed = 0x9E3779B97F4A7C15L; // an independent multiply-xorshift lane
    for (String part : parts) {
      for (byte b : (part + "\u0000").getBytes(StandardCharsets.UTF_8)) {
        fnv = (fnv ^ (b & 0xFF)) * 0x100000001B3L;
        mixed = (mixed + (b & 0xFF)) * 0xBF58476D1CE4E5B9L;
        mixed ^= mixed >>> 31;
      }
    }
    return HexFormat.of().toHexDigits(finish(fnv)) + HexFormat.of().toHexDigits(finish(mixed));
  }

  /** SplitMix64's finalizer: every input bit reaches every output bit. */
  private static long finish(long h) {
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }
}
