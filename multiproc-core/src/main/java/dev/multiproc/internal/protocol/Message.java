package dev.multiproc.internal.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message on a worker channel. Parent to child: {@link RunTask}, {@link Cancel}, {@link
 * Shutdown}. Child to parent: {@link Hello}, {@link TaskResult}, {@link TaskFailure}, {@link
 * Signalled}, {@link Exiting}. Both ways: {@link Heartbeat}. {@link MessageCodec} maps each to a
 * frame as {@link FrameDescriptor} draws it.
 */
public sealed interface Message {

  /**
   * The first frame a child sends: proves it was started by this parent.
   *
   * @param workerId the id the parent gave the child on its command line
   * @param secret the random secret the parent wrote to the child's stdin
   * @param pid the child's process id
   */
  record Hello(String workerId, byte[] secret, long pid) implements Message {
    public Hello {
      Objects.requireNonNull(workerId, "workerId");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hello h
          && h.workerId.equals(workerId)
          && Arrays.equals(h.secret, secret)
          && h.pid == pid;
    }

    @Override
    public int hashCode() {
      return Objects.hash(workerId, Arrays.hashCode(secret), pid);
    }

    @Override
    public String toString() {
      return "Hello[workerId=" + workerId + ", pid=" + pid + "]";
    }
  }

  /**
   * Run a task.
   *
   * @param taskId the parent's id for the task, echoed in the answer
   * @param exitAfter whether the child exits after answering (one-shot {@code ChildProcess})
   * @param payload the encoded task
   */
  record RunTask(long taskId, boolean exitAfter, byte[] payload) implements Message {
    public RunTask {
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RunTask r
          && r.taskId == taskId
          && r.exitAfter == exitAfter
          && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
      return Objects.hash(taskId, exitAfter, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
      return "RunTask[taskId=" + taskId + ", exitAfter=" + exitAfter + ", " + payload.length + " bytes]";
    }
  }

  /**
   * A task's return value.
   *
   * @param taskId the task
   * @param payload the encoded value
   */
  record TaskResult(long taskId, byte[] payload) implements Message {
    public TaskResult {
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TaskResult r && r.taskId == taskId && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
      return Objects.hash(taskId, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
      return "TaskResult[taskId=" + taskId + ", " + payload.length + " bytes]";
    }
  }

  /**
   * A task threw. The failure travels twice: as a structural description that always decodes,
   * and as the codec's encoding of the throwable itself, which the parent prefers when its class
   * is available there.
   *
   * @param taskId the task
   * @param description class names, messages, stack traces and causes, codec-independent
   * @param encoded the codec's encoding of the throwable, or empty if it could not be encoded
   */
  record TaskFailure(long taskId, ThrowableDescription description, byte[] encoded)
      implements Message {
    public TaskFailure {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(encoded, "encoded");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TaskFailure f
          && f.taskId == taskId
          && f.description.equals(description)
          && Arrays.equals(f.encoded, encoded);
    }

    @Override
    public int hashCode() {
      return Objects.hash(taskId, description, Arrays.hashCode(encoded));
    }
  }

  /**
   * Liveness probe.
   *
   * @param sequence increases with each heartbeat a side sends
   */
  record Heartbeat(long sequence) implements Message {}

  /**
   * Ask the child to interrupt a running task.
   *
   * @param taskId the task
   */
  record Cancel(long taskId) implements Message {}

  /**
   * Ask the child to exit.
   *
   * @param exitCode the status it should exit with
   */
  record Shutdown(int exitCode) implements Message {}

  /**
   * The child received a catchable termination signal and is exiting because of it.
   *
   * @param signal the signal number (15 for SIGTERM)
   */
  record Signalled(int signal) implements Message {}

  /** The child's JVM is shutting down for a reason other than a signal (e.g. {@code System.exit}). */
  record Exiting() implements Message {}

  /**
   * Ask the child for its threads' stacks (before a timed-out task's worker is killed).
   *
   * @param taskId the task that timed out
   */
  record DumpThreads(long taskId) implements Message {}

  /**
   * The child's answer to {@link DumpThreads}.
   *
   * @param taskId the task named in the request
   * @param text every thread's name, state and stack
   */
  record ThreadDump(long taskId, String text) implements Message {
    public ThreadDump {
      Objects.requireNonNull(text, "text");
    }
  }
}
