package dev.multiproc.internal.launch;

import dev.multiproc.codec.JavaSerializationCodec;
import dev.multiproc.internal.worker.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Builds a child JVM's command line: the parent-death signal's prefix where there is one (see
 * {@link DeathSignalPrefix}), this JVM's own {@code java}, its class path (module path entries
 * included, since a worker runs everything from the class path), the user's options, and the
 * worker entry point with its arguments.
 *
 * <p>The class path goes in an {@code @argfile}: real class paths exceed what is pleasant on a
 * command line, and {@code ps} stays readable. The worker's name is a system property so operators
 * can tell workers apart: {@code ps -ef | grep multiproc.worker=}.
 */
final class JvmCommandLine {
  /** The system property carrying a worker's name on its command line. */
  static final String WORKER_NAME_PROPERTY = "multiproc.worker";

  private static final ConcurrentMap<String, Path> ARGFILES = new ConcurrentHashMap<>();

  private JvmCommandLine() {}

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classPath() {
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    if (modulePath.isEmpty()) {
      return classPath;
    }
    return classPath.isEmpty() ? modulePath : classPath + File.pathSeparator + modulePath;
  }

  static List<String> build(LaunchSpec spec, Path upFifo, String workerId, String displayName, List<String> extraOptions) {
    List<String> command = new ArrayList<>(20 + spec.jvmOptions().size());
    List<String> deathSignal = DeathSignalPrefix.get();
    command.addAll(deathSignal);
    command.add(javaBinary());
    command.add("-D" + WORKER_NAME_PROPERTY + "=" + displayName);
    if (!deathSignal.isEmpty()) {
      command.add("-D" + DeathSignalPrefix.ARMED_PROPERTY + "=armed");
    }
    String filter = System.getProperty(JavaSerializationCodec.FILTER_PROPERTY);
    if (filter != null) {
      command.add("-D" + JavaSerializationCodec.FILTER_PROPERTY + "=" + filter);
    }
    command.addAll(vmOptions(spec));
    command.addAll(extraOptions);
    command.add("@" + argfile(classPath()));
    command.add(WorkerMain.class.getName());
    command.add(upFifo.toString());
    command.add(workerId);
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(spec.codecClass());
    command.add(Integer.toString(spec.maxFrameBytes()));
    command.add(Integer.toString(spec.concurrency()));
    return command;
  }

  /**
   * The VM options of a worker for {@code spec}. The AOT assembly must run with exactly these, or
   * the JVM rejects the cache (e.g. a native-access mismatch disables the archived module graph),
   * so both command lines take them from here.
   */
  private static List<String> vmOptions(LaunchSpec spec) {
    List<String> options = new ArrayList<>();
    options.add("--enable-native-access=ALL-UNNAMED");
    options.addAll(defaultOptions(spec));
    options.addAll(spec.jvmOptions());
    return options;
  }

  /**
   * Options a worker gets unless the user chose otherwise (a later option wins). SerialGC: it
   * initializes fastest (a cold start is on the user's clock) and runs no concurrent GC threads
   * that would compete with sibling workers for cores; a user who names any collector gets that
   * one instead. No perf data: no /tmp/hsperfdata file per worker (a killed worker would leave
   * its file behind) and a little less start-up; jcmd still attaches by pid.
   */
  static List<String> defaultOptions(LaunchSpec spec) {
    boolean choosesGc = spec.jvmOptions().stream().anyMatch(o -> o.matches("-XX:[+-]Use\\w*GC"));
    return choosesGc ? List.of("-XX:-UsePerfData") : List.of("-XX:+UseSerialGC", "-XX:-UsePerfData");
  }

  /** {@return the command that assembles an AOT cache from a training run's configuration} */
  static List<String> aotAssembly(LaunchSpec spec, Path configuration, Path cache) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(vmOptions(spec));
    command.add("-XX:AOTMode=create");
    command.add("-XX:AOTConfiguration=" + configuration);
    command.add("-XX:AOTCache=" + cache);
    command.add("@" + argfile(classPath()));
    return command;
  }

  private static Path argfile(String classPath) {
    return ARGFILES.computeIfAbsent(
        classPath,
        cp -> {
          Path file = RuntimeDirectory.get().resolve("classpath-" + ARGFILES.size() + ".args");
          String quoted = "\"" + cp.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
          try {
            Files.writeString(file, "-cp\n" + quoted + "\n");
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
          }
          return file;
        });
  }
}
