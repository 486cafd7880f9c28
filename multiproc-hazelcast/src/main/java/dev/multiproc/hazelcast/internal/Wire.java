package dev.multiproc.hazelcast.internal;

import dev.multiproc.MultiprocException;
import dev.multiproc.TaskNotSerializableException;
import dev.multiproc.codec.JavaSerializationCodec;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/*
 * Overview: what travels between a cluster pool's caller and a member.
 *
 * Hazelcast carries one Serializable object each way, MemberTask there and a byte[] back; the task
 * and its outcome inside are JDK-serialized by us (JavaSerializationCodec), not by Hazelcast, for
 * three reasons: a task that cannot be serialized must fail at submission with
 * TaskNotSerializableException (the pool's contract), not deep inside a Hazelcast invocation;
 * the member answers with an Outcome
 * that carries the task's exception as an object with its stack and cause chain, where
 * Hazelcast's client protocol would flatten an unknown exception to a class name and message;
 * and a failure to decode on the member (a class missing from its class path) comes back as a
 * readable error instead of a Hazelcast serialization exception.
 *
 * The member runs the task in its own local Pool, which encodes it again with the pool's codec
 * for its worker JVM: one extra encode/decode per task on the member, the price of keeping the
 * cluster module on Pool's public API.
 */
/** JDK serialization of tasks and outcomes for the cluster backend, through Multiproc's own codec. */
final class Wire {
  /**
   * The pool's default codec: it names the lambda and the captured class when a task cannot be
   * serialized, and decodes behind the same deserialization filter as a worker does.
   */
  private static final JavaSerializationCodec CODEC = new JavaSerializationCodec();

  private Wire() {}

  /**
   * What a member answers: the task's result, or the exception the member's pool raised
   * (TaskFailedException with the task's own exception as cause, WorkerCrashedException, ...).
   */
  record Outcome(Object value, Throwable failure) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /**
   * The class every shared-memory object ({@code dev.multiproc.shared}) is serialized as: its name
   * is in the stream of any task that captures one.
   */
  private static final byte[] SHARED_HANDLE = "dev.multiproc.shared.SharedHandle".getBytes(StandardCharsets.US_ASCII);

  /**
   * Encodes a task; one that cannot be serialized fails here with TaskNotSerializableException.
   *
   * @throws IllegalArgumentException if the task reaches a shared-memory object: those live in
   *     this machine's /dev/shm, which a member on another machine cannot map (and one on this
   *     machine would share it only by accident), so the cluster refuses them rather than let
   *     them silently diverge
   */
  static byte[] task(Object task) {
    byte[] bytes;
    try {
      bytes = CODEC.encode(task);
    } catch (IOException e) {
      throw new TaskNotSerializableException("cannot serialize " + task.getClass().getName() + " for a cluster member: " + e, null, e);
    }
    if (contains(bytes, SHARED_HANDLE)) {
      throw new IllegalArgumentException(
          "a cluster task cannot use shared-memory objects (dev.multiproc.shared: SharedLong, ProcessLock, ...): they are"
              + " node-local, and " + task.getClass().getName() + " reaches one. Pass values instead, or use a local Pool.");
    }
    return bytes;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The member's answer, never throwing: a value or failure that cannot be serialized becomes a failure that can. */
  static byte[] outcome(Object value, Throwable failure) {
    try {
      return CODEC.encode(new Outcome(value, failure));
    } catch (IOException | RuntimeException e) {
      MultiprocException stand = new MultiprocException(
          failure == null
              ? "the task's result (" + value.getClass().getName() + ") cannot be sent back from the member: " + e
              : "the task failed with " + failure + " (its exception cannot be sent back from the member: " + e + ")");
      if (failure != null) {
        stand.setStackTrace(failure.getStackTrace());
      }
      try {
        return CODEC.encode(new Outcome(null, stand));
      } catch (IOException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }

  static Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    return CODEC.decode(bytes);
  }
}
