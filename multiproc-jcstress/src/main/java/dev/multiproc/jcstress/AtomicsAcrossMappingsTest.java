package dev.multiproc.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.multiproc.internal.shm.SegmentLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** The atomic operations shared values use are atomic across two mappings of the same memory. */
public final class AtomicsAcrossMappingsTest {
  private AtomicsAcrossMappingsTest() {}

  /** getAndAdd through two mappings: each actor sees a distinct previous value. */
  @JCStressTest
  @Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "the adds were serialized")
  @Outcome(expect = FORBIDDEN, desc = "an add was lost or duplicated")
  @State
  public static class GetAndAdd {
    private final long slot = TwoMappings.slot();

    @Actor
    public void actor1(II_Result r) {
      r.r1 = (int) SegmentLayout.INT.getAndAdd(TwoMappings.A, slot, 1);
    }

    @Actor
    public void actor2(II_Result r) {
      r.r2 = (int) SegmentLayout.INT.getAndAdd(TwoMappings.B, slot, 1);
    }
  }

  /** compareAndSet 0 -> own id through two mappings: exactly one wins. */
  @JCStressTest
  @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "exactly one CAS won")
  @Outcome(expect = FORBIDDEN, desc = "both or neither won")
  @State
  public static class CompareAndSet {
    private final long slot = TwoMappings.slot();

    @Actor
    public void actor1(II_Result r) {
      r.r1 = SegmentLayout.LONG.compareAndSet(TwoMappings.A, slot, 0L, 1L) ? 1 : 0;
    }

    @Actor
    public void actor2(II_Result r) {
      r.r2 = SegmentLayout.LONG.compareAndSet(TwoMappings.B, slot, 0L, 2L) ? 1 : 0;
    }
  }
}
