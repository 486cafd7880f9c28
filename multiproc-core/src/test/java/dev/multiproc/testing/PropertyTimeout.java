package dev.multiproc.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * A wall-clock budget for every jqwik property and example of the annotated class (or method).
 *
 * <p>jqwik runs on its own test engine, which honours neither Jupiter's {@code @Timeout} nor the
 * {@code junit.jupiter.execution.timeout.default} in {@code junit-platform.properties}. This hook
 * runs each try on a daemon thread and fails the property once the budget is spent, even if a try
 * hangs: the hung thread is interrupted and abandoned. The first try past the budget is reported
 * as the failure; every later one (shrinking included) is rejected at once, so shrinking stops
 * instead of running on. Because tries run off jqwik's thread, a try body must not use jqwik's
 * thread-bound APIs ({@code Statistics}, {@code Store}, {@code Arbitrary.sample()}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@AddLifecycleHook(value = PropertyTimeout.Hook.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
public @interface PropertyTimeout {

  /** {@return the budget of one property, all its tries included, in seconds} */
  int seconds();

  /** Enforces {@link PropertyTimeout}. */
  final class Hook implements AroundPropertyHook, AroundTryHook {
    // Static, not thread-local: jqwik shrinks on a thread of its own. jqwik runs one property at a time.
    private static volatile Budget current;
    private static final ExecutorService TRIES =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "property-try");
              t.setDaemon(true);
              return t;
            });

    /** Created by jqwik. */
    public Hook() {}

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      int seconds =
          context
              .findAnnotation(PropertyTimeout.class)
              .or(() -> context.findAnnotationsInContainer(PropertyTimeout.class).stream().findFirst())
              .map(PropertyTimeout::seconds)
              .orElse(60);
      current = new Budget(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
      try {
        return property.execute();
      } finally {
        current = null;
      }
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
      Budget budget = current;
      if (budget == null) {
        return aTry.execute(parameters);
      }
      if (budget.spent) {
        return TryExecutionResult.invalid();
      }
      long left = budget.deadline - System.nanoTime();
      String spent = "property exceeded its @PropertyTimeout budget: " + context.label();
      if (left <= 0) {
        budget.spent = true;
        return TryExecutionResult.falsified(new AssertionError(spent));
      }
      Future<TryExecutionResult> result = TRIES.submit(() -> aTry.execute(parameters));
      try {
        return result.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        result.cancel(true);
        budget.spent = true;
        return TryExecutionResult.falsified(new AssertionError(spent + " (a try hung)"));
      } catch (ExecutionException e) {
        return TryExecutionResult.falsified(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return TryExecutionResult.falsified(e);
      }
    }

    /** The deadline of the running property, and whether it has been reported as spent. */
    private static final class Budget {
      final long deadline;
      volatile boolean spent;

      Budget(long deadline) {
        this.deadline = deadline;
      }
    }

    @Override
    public int aroundTryProximity() {
      // Innermost: only the try itself runs on the worker thread.
      return 100;
    }
  }
}
