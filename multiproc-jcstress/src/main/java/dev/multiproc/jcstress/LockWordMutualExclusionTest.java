package dev.multiproc.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.multiproc.internal.shm.FutexLock;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The lock word excludes: two actors, each through its own mapping, do a plain read-then-write
 * increment under {@link FutexLock}; no increment may be lost.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments kept")
@Outcome(expect = FORBIDDEN, desc = "an increment was lost: both actors were inside the lock")
@State
public class LockWordMutualExclusionTest {
  private static final long DATA = 32;

  private final long slot = TwoMappings.slot();
  private final FutexLock viaA = new FutexLock(TwoMappings.A, slot);
  private final FutexLock viaB = new FutexLock(TwoMappings.B, slot);

  @Actor
  public void actor1() {
    increment(viaA, TwoMappings.A);
  }

  @Actor
  public void actor2() {
    increment(viaB, TwoMappings.B);
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = TwoMappings.A.get(ValueLayout.JAVA_INT, slot + DATA);
  }

  private void increment(FutexLock lock, MemorySegment memory) {
    Locks.acquire(lock);
    int v = memory.get(ValueLayout.JAVA_INT, slot + DATA);
    memory.set(ValueLayout.JAVA_INT, slot + DATA, v + 1);
    lock.release();
  }
}
