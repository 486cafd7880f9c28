package dev.multiproc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A parent JVM for process-lifetime tests: runs a test main class on this JVM's class path, which
 * prints "PID n" (or "DESCENDANT n") per child it started and then "READY". Closing it kills the
 * parent and any child still alive, so a failing test leaves nothing behind.
 */
public final class ParentJvm implements AutoCloseable {
  private final Process process;
  private final List<Long> children = new ArrayList<>();
  private final StringBuilder transcript = new StringBuilder();
  private final boolean ready;

  private ParentJvm(Process process) throws IOException {
    this.process = process;
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("READY")) {
      transcript.append(line).append('\n');
      if (line.startsWith("PID ") || line.startsWith("DESCENDANT ")) {
        children.add(Long.parseLong(line.substring(line.indexOf(' ') + 1)));
      }
    }
    this.ready = "READY".equals(line);
  }

  /**
   * Starts the parent and reads its output up to "READY" (or its end).
   *
   * @param mainClass the test main class
   * @param args its arguments
   * @return the running parent
   * @throws IOException if it cannot be started
   */
  public static ParentJvm start(String mainClass, String... args) throws IOException {
    return start(List.of(), mainClass, args);
  }

  /**
   * Starts a parent JVM with extra JVM options.
   *
   * @param jvmOptions options for the parent JVM, e.g. system properties
   * @param mainClass its main class
   * @param args its arguments
   * @return the running parent
   * @throws IOException if it cannot be started
   */
  public static ParentJvm start(List<String> jvmOptions, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dmultiproc.aot=off", mainClass));
    command.addAll(List.of(args));
    return new ParentJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** {@return whether the parent printed "READY"} */
  public boolean ready() {
    return ready;
  }

  /** {@return everything the parent printed before "READY"} */
  public String transcript() {
    return transcript.toString();
  }

  /** {@return the pids of the children the parent reported} */
  public List<Long> children() {
    return children;
  }

  /** {@return the parent process} */
  public Process process() {
    return process;
  }

  /**
   * Kills the parent with SIGKILL (no shutdown hooks run in it), waits for it to exit, then for
   * its children as {@link #survivorsAfter} does, for {@code grace} from the kill.
   *
   * @param grace how long the children have to exit after the kill
   * @return the children still running then
   * @throws InterruptedException if interrupted
   * @throws AssertionError if the parent itself is not gone within 5 s
   */
  public List<Long> sigkillAndSurvivors(Duration grace) throws InterruptedException {
    process.toHandle().destroyForcibly();
    long killedAt = System.nanoTime();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      throw new AssertionError("the parent did not exit within 5 s of SIGKILL");
    }
    return survivorsAfter(killedAt + grace.toNanos());
  }

  /**
   * Waits until every reported child has exited or {@code deadlineNanos} (a {@link
   * System#nanoTime()} value) has passed.
   *
   * @param deadlineNanos when to stop waiting
   * @return the children still alive
   * @throws InterruptedException if interrupted
   */
  public List<Long> survivorsAfter(long deadlineNanos) throws InterruptedException {
    List<Long> alive = new ArrayList<>();
    for (long pid : children) {
      ProcessHandle child = ProcessHandle.of(pid).orElse(null);
      while (running(child) && System.nanoTime() < deadlineNanos) {
        Thread.sleep(10);
      }
      if (running(child)) {
        alive.add(pid);
      }
    }
    return alive;
  }

  /**
   * Whether a process still runs. {@code isAlive()} is also true of a zombie, a process that has
   * exited and waits for its new parent (init, once ours is killed) to reap it, which init does
   * in its own time; a zombie runs nothing, so it counts as gone.
   */
  private static boolean running(ProcessHandle process) {
    if (process == null || !process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // pid (comm) state ...: comm may hold spaces and parentheses, so read after the last ')'.
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return process.isAlive(); // no /proc (not Linux) or the process is gone meanwhile
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}
