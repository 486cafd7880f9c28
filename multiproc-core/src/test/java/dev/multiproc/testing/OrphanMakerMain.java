package dev.multiproc.testing;

import dev.multiproc.ChildProcess;
import dev.multiproc.StartMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent JVM for parent-death tests: starts {@code args[0]} sleeping children (plus standby
 * processes if {@code args[1]} is "standby"), prints "PID <pid>" for each and "READY", then waits to
 * be killed.
 */
public final class OrphanMakerMain {
  private OrphanMakerMain() {}

  /**
   * Runs the parent.
   *
   * @param args child count, optional "standby"
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    boolean standby = args.length > 1 && args[1].equals("standby");
    List<ChildProcess<Void>> children = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ChildProcess.Builder<Void> b = ChildProcess.builder(() -> Thread.sleep(600_000)).name("orphan-candidate-" + i);
      if (standby) {
        b.startMethod(StartMethod.standby(2));
      }
      ChildProcess<Void> p = b.build();
      p.start();
      children.add(p);
      System.out.println("PID " + p.pid().getAsLong());
    }
    // Standby processes are children too: report them once they exist.
    Thread.sleep(standby ? 1500 : 0);
    ProcessHandle.current().descendants().forEach(h -> System.out.println("DESCENDANT " + h.pid()));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(600_000);
  }
}
