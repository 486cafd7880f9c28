package dev.multiproc.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.multiproc.internal.shm.FutexLock;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Release happens-before the next acquire, across mappings: plain writes made under the lock
 * through one mapping are seen whole by the next holder reading through the other.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "reader held the lock first")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "reader held the lock second and saw both writes")
@Outcome(expect = FORBIDDEN, desc = "reader saw half of the writer's critical section")
@State
public class LockReleaseHappensBeforeTest {
  private static final long X = 32;
  private static final long Y = 40;

  private final long slot = TwoMappings.slot();
  private final FutexLock viaA = new FutexLock(TwoMappings.A, slot);
  private final FutexLock viaB = new FutexLock(TwoMappings.B, slot);

  @Actor
  public void writer() {
    Locks.acquire(viaA);
    TwoMappings.A.set(ValueLayout.JAVA_INT, slot + X, 1);
    TwoMappings.A.set(ValueLayout.JAVA_INT, slot + Y, 1);
    viaA.release();
  }

  @Actor
  public void reader(II_Result r) {
    Locks.acquire(viaB);
    r.r1 = TwoMappings.B.get(ValueLayout.JAVA_INT, slot + Y);
    r.r2 = TwoMappings.B.get(ValueLayout.JAVA_INT, slot + X);
    viaB.release();
  }
}
