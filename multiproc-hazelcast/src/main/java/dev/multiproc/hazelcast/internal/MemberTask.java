package dev.multiproc.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.multiproc.MultiprocException;
import dev.multiproc.Pool;
import dev.multiproc.function.SerializableCallable;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * What a cluster pool sends to a member: one task, JDK-serialized by the caller ({@link Wire}),
 * run in the member's own local {@link Pool} — a worker JVM of that member, so a crash or a hard
 * timeout stays contained there as on one machine. Blocks one thread of the member's executor
 * while the task runs; cancelling the caller's future interrupts it, which cancels the task in its
 * worker. Always answers with an {@link Wire.Outcome}, never by throwing, so the task's exception
 * reaches the caller whole.
 */
final class MemberTask implements Callable<byte[]>, Serializable, HazelcastInstanceAware {
  @Serial private static final long serialVersionUID = 1L;

  private final byte[] payload;
  /** The hard timeout in nanoseconds, or 0 for none. */
  private final long timeoutNanos;
  private transient HazelcastInstance member;

  MemberTask(byte[] payload, Duration timeout) {
    this.payload = payload;
    this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  @Override
  public byte[] call() throws InterruptedException {
    String where = member == null ? "?" : member.getCluster().getLocalMember().getAddress().toString();
    Object pool = member == null ? null : member.getUserContext().get(MemberRuntime.POOL_KEY);
    if (!(pool instanceof Pool local)) {
      return Wire.outcome(null, new MultiprocException("member " + where + " has no multiproc pool: start members with `multiproc member`"));
    }
    SerializableCallable<?> task;
    try {
      task = (SerializableCallable<?>) Wire.decode(payload);
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      return Wire.outcome(null, new MultiprocException(
          "member " + where + " cannot decode the task (" + e + "): members need the application's class path,"
              + " the same class files as the caller (multiproc member --classpath ...)", e));
    }
    try {
      Object value = timeoutNanos > 0 ? local.apply(task, Duration.ofNanos(timeoutNanos)) : local.apply(task);
      return Wire.outcome(value, null);
    } catch (RuntimeException | Error e) {
      return Wire.outcome(null, e);
    }
  }
}
