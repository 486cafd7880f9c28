package dev.multiproc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one of the repository's Python reference workloads ({@code bench/python/*.py}) and reads
 * the number it reports, so every benchmark compares against Python on the same machine in the
 * same run.
 */
final class PythonReference {
  private PythonReference() {}

  /** {@return the repository's {@code bench/python} directory} */
  static Path scriptsDirectory() {
    String home = System.getProperty("multiproc.home");
    List<Path> candidates = new ArrayList<>();
    if (home != null) {
      candidates.add(Path.of(home, "bench", "python"));
    }
    candidates.add(Path.of("bench", "python"));
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new MissingToolException(
        "cannot find the Python reference scripts (bench/python); run from the repository root or use ./multiproc");
  }

  /**
   * Runs a script and returns a numeric field of the JSON object it prints.
   *
   * @param script file name under {@code bench/python}
   * @param field the JSON field to read
   * @param args script arguments
   * @return the value
   */
  static double run(String script, String field, String... args) {
    Double value = runAll(script, args).get(field);
    if (value == null) {
      throw new IllegalStateException("python reference " + script + " printed no \"" + field + "\"");
    }
    return value;
  }

  /**
   * Runs a script and returns every numeric field of the JSON object it prints.
   *
   * @param script file name under {@code bench/python}
   * @param args script arguments
   * @return field name to value
   */
  static java.util.Map<String, Double> runAll(String script, String... args) {
    try {
      Process process = start(script, ProcessBuilder.Redirect.INHERIT, args);
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("python reference " + script + " failed: " + out);
      }
      return numbers(out);
    } catch (IOException e) {
      throw new MissingToolException("cannot run python3 (" + e.getMessage() + "); install Python 3 to compare against it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The command line that runs a reference script.
   *
   * @param script file name under {@code bench/python}
   * @param args script arguments
   * @return python, the script's path, the arguments
   */
  static List<String> command(String script, String... args) {
    List<String> command = new ArrayList<>();
    command.add(python());
    command.add(scriptsDirectory().resolve(script).toString());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Starts a reference script; the caller reads its standard output and waits for it.
   *
   * @param script file name under {@code bench/python}
   * @param stderr where its standard error goes
   * @param args script arguments
   * @return the running script
   */
  static Process start(String script, ProcessBuilder.Redirect stderr, String... args) {
    try {
      return new ProcessBuilder(command(script, args)).redirectError(stderr).start();
    } catch (IOException e) {
      throw new MissingToolException("cannot run python3 (" + e.getMessage() + "); install Python 3 to compare against it");
    }
  }

  private static final Pattern NUMBER_FIELD = Pattern.compile("\"([A-Za-z0-9_]+)\"\\s*:\\s*(-?[0-9][-0-9.eE+]*)");

  /**
   * Reads the numeric fields of the JSON object a program printed, at any depth.
   *
   * @param json the printed text
   * @return field name to value, in order of first appearance; a repeated name keeps its last value
   */
  static java.util.Map<String, Double> numbers(String json) {
    java.util.Map<String, Double> fields = new java.util.LinkedHashMap<>();
    Matcher m = NUMBER_FIELD.matcher(json);
    while (m.find()) {
      fields.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return fields;
  }

  static String python() {
    String explicit = System.getenv("MULTIPROC_PYTHON");
    if (explicit != null && !explicit.isBlank()) {
      return explicit;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "python3"))) {
        return Path.of(dir, "python3").toString();
      }
    }
    throw new MissingToolException("python3 is not on PATH; install it (or set MULTIPROC_PYTHON) to compare against Python");
  }
}
