package dev.multiproc.internal.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A codec-independent picture of a throwable: its class name, message, stack and cause chain.
 * It always decodes, so a failure whose exception class is missing in the parent still arrives
 * faithfully (as a {@code RemoteException} built from this description).
 *
 * @param className the remote throwable's class name
 * @param message its message, or null
 * @param stack its stack frames, innermost first
 * @param cause its cause, or null
 */
public record ThrowableDescription(
    String className, String message, List<Frame> stack, ThrowableDescription cause) {

  public ThrowableDescription {
    Objects.requireNonNull(className, "className");
    stack = List.copyOf(stack);
  }

  /**
   * One stack frame.
   *
   * @param declaringClass the class
   * @param methodName the method
   * @param fileName the source file, or null
   * @param lineNumber the line, negative if unknown
   */
  public record Frame(String declaringClass, String methodName, String fileName, int lineNumber) {
    public Frame {
      Objects.requireNonNull(declaringClass, "declaringClass");
      Objects.requireNonNull(methodName, "methodName");
    }

    StackTraceElement toStackTraceElement() {
      return new StackTraceElement(declaringClass, methodName, fileName, lineNumber);
    }
  }

  /** {@return a description of {@code t}, its cause chain cut at the first cycle or the depth cap} */
  public static ThrowableDescription of(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable c = t; c != null && seen.add(c) && chain.size() < FrameDescriptor.MAX_CAUSE_DEPTH; c = c.getCause()) {
      chain.add(c);
    }
    ThrowableDescription result = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      Throwable c = chain.get(i);
      StackTraceElement[] elements = c.getStackTrace();
      int n = Math.min(elements.length, FrameDescriptor.MAX_STACK_FRAMES);
      List<Frame> frames = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        StackTraceElement e = elements[j];
        frames.add(new Frame(e.getClassName(), e.getMethodName(), e.getFileName(), e.getLineNumber()));
      }
      result = new ThrowableDescription(c.getClass().getName(), c.getMessage(), frames, result);
    }
    return result;
  }

  /** {@return the stack as {@link StackTraceElement}s} */
  public StackTraceElement[] stackTrace() {
    StackTraceElement[] out = new StackTraceElement[stack.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = stack.get(i).toStackTraceElement();
    }
    return out;
  }
}
