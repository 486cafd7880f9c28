package dev.multiproc.internal.worker;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.IntConsumer;

/**
 * Reports catchable termination signals to the parent before exiting.
 *
 * <p>A JVM that receives SIGTERM runs its shutdown hooks and exits with status 143, exactly as if
 * the code had called {@code System.exit(143)}; only the child knows which happened. Python reports
 * {@code -15} for a terminated process, so the child tells the parent ({@code Signalled}) and then
 * exits the way the JVM would have, shutdown hooks included.
 *
 * <p>The only JDK hook for this is {@code sun.misc.Signal} (module {@code jdk.unsupported}, the
 * supported home of such APIs). It is reached reflectively so the build stays warning-free; if it
 * is ever missing, the parent falls back to reading 143 as "SIGTERM" when it sent one.
 */
final class TerminationSignals {
  private TerminationSignals() {}

  static void install(IntConsumer beforeExit) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method getNumber = signalClass.getMethod("getNumber");
      InvocationHandler onSignal =
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              int number = (int) getNumber.invoke(args[0]);
              beforeExit.accept(number);
              System.exit(128 + number);
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "multiproc-signal-reporter";
            };
          };
      Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
      for (String name : new String[] {"TERM", "INT", "HUP"}) {
        try {
          handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
          // Reserved (e.g. -Xrs) or unknown here: keep the JVM's own handling of this signal.
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // jdk.unsupported absent: exit codes for SIGTERM are inferred by the parent instead.
    }
  }
}
