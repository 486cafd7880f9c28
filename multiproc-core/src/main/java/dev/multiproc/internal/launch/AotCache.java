package dev.multiproc.internal.launch;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.RunTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/*
 * Overview: the JDK 25 AOT cache (JEP 483/514) for worker JVMs.
 *
 * A worker spends most of its start-up loading and linking the same classes every time (sockets,
 * object streams, lambda deserialization). An AOT cache, recorded once by a training run with
 * -XX:AOTCacheOutput and used afterwards with -XX:AOTCache, makes those classes arrive loaded and
 * linked (MEASURED.md: ~93 ms -> ~70 ms for a worker-like child).
 *
 * The cache is only valid for one JDK build, class path and set of JVM options, so it is keyed by
 * a hash of all of them and lives in ~/.cache/multiproc/aot/<hash>.aot. It is built lazily: the
 * first launch with a new key starts a background training worker and itself runs without a
 * cache; later launches use it once the file exists. The JVM validates the file itself and falls
 * back to a normal start when it does not match (e.g. a rebuilt jar), so a stale cache costs time,
 * never correctness. -Dmultiproc.aot=off disables all of this.
 */
final class AotCache {
  private static final Set<String> TRAINING = ConcurrentHashMap.newKeySet();
  private static final boolean ENABLED = !"off".equalsIgnoreCase(System.getProperty("multiproc.aot", "auto"));

  private AotCache() {}

  /** {@return the options that make a worker for {@code spec} use the cache, starting its training if needed} */
  static List<String> options(LaunchSpec spec) {
    if (!ENABLED || spec.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:AOT") || o.startsWith("-Xshare"))) {
      return List.of();
    }
    Path dir = directory();
    String key = key(spec);
    Path cache = dir.resolve(key + ".aot");
    if (Files.isRegularFile(cache)) {
      return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }
    if (TRAINING.add(key)) {
      Thread.ofVirtual().name("multiproc-aot-training").start(() -> train(spec, dir, cache));
    }
    return List.of();
  }

  private static void train(LaunchSpec spec, Path dir, Path cache) {
    Path partial = dir.resolve(cache.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.createDirectories(dir);
      WorkerHandle worker =
          WorkerLauncher.launch(
              spec,
              "aot-training",
              List.of("-XX:AOTCacheOutput=" + partial, "-Xlog:aot=off", "-Xlog:cds=off"));
      worker.listen(
          new WorkerHandle.Listener() {
            @Override
            public void onMessage(Message message) {}

            @Override
            public void onChannelEnd(IOException error) {}
          });
      ValueEncoding encoding = new ValueEncoding(Codecs.instantiate(spec.codecClass()));
      worker.send(new RunTask(0, true, encoding.encode(warmUpTask())));
      // Assembling the cache happens at exit and takes a few seconds on 2 cores.
      if (worker.process().waitFor(2, TimeUnit.MINUTES) && Files.isRegularFile(partial)) {
        Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        worker.kill();
      }
    } catch (IOException | RuntimeException e) {
      // No cache: workers start a little slower, nothing else changes.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        // leave it
      }
    }
  }

  /** A task that walks the same paths a user task does: lambda decode, boxed result encode. */
  static SerializableCallable<Object> warmUpTask() {
    long seed = System.nanoTime();
    return () -> List.of(seed, "warm", 1.0);
  }

  private static Path directory() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("multiproc").resolve("aot");
  }

  private static String key(LaunchSpec spec) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part :
          List.of(
              System.getProperty("java.home"),
              System.getProperty("java.vm.version"),
              JvmCommandLine.classPath(),
              String.join("\u0000", spec.jvmOptions()),
              spec.codecClass())) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is always present", e);
    }
  }
}
