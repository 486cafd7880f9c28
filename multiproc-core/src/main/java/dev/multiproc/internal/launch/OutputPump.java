package dev.multiproc.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Copies a child's stdout or stderr into this JVM's {@code System.out}/{@code System.err} as
 * bytes arrive. Looked up per write, so a test or an application that redirects {@code System.out}
 * sees its children's output too. The control channel is a separate pair of pipes: user output can never
 * corrupt it.
 */
final class OutputPump {
  private OutputPump() {}

  static Thread start(String name, InputStream from, Supplier<PrintStream> to, OutputTail tail) {
    return Thread.ofVirtual()
        .name(name)
        .start(
            () -> {
              byte[] buffer = new byte[8192];
              try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                  if (tail != null) {
                    tail.append(buffer, 0, n);
                  }
                  PrintStream out = to.get();
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // The child is gone; whatever it wrote before has been forwarded.
              }
            });
  }
}
