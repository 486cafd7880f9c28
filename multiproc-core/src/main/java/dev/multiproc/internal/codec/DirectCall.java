package dev.multiproc.internal.codec;

import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * A task lambda's {@code call()}, performed by invoking its implementation method directly with
 * the captured values. Equivalent to rebuilding the lambda and calling it once, without generating
 * a lambda class. The task's own exception propagates unwrapped, so it arrives in the parent with
 * its own type and stack, exactly as from the lambda.
 */
final class DirectCall implements Callable<Object> {
  private final Method method;
  private final Object receiver;
  private final Object[] arguments;

  private DirectCall(Method method, Object receiver, Object[] arguments) {
    this.method = method;
    this.receiver = receiver;
    this.arguments = arguments;
  }

  /** {@return a direct call, or null when this lambda shape is better rebuilt the normal way} */
  static DirectCall of(int kind, String implClass, String name, String signature, Object[] captured)
      throws ClassNotFoundException {
    Class<?> owner = ValueEncoding.loadClass(implClass.replace('/', '.'));
    MethodType type;
    try {
      type = MethodType.fromMethodDescriptorString(signature, owner.getClassLoader());
    } catch (IllegalArgumentException | TypeNotPresentException e) {
      return null;
    }
    boolean isStatic = kind == MethodHandleInfo.REF_invokeStatic;
    boolean isInstance = kind == MethodHandleInfo.REF_invokeSpecial || kind == MethodHandleInfo.REF_invokeVirtual;
    if (!isStatic && !isInstance) {
      return null; // constructor and interface references: rebuild normally
    }
    int receivers = isStatic ? 0 : 1;
    if (captured.length != type.parameterCount() + receivers) {
      return null; // the call would need arguments the captures do not supply
    }
    Method method;
    try {
      method = owner.getDeclaredMethod(name, type.parameterArray());
      if (Modifier.isStatic(method.getModifiers()) != isStatic) {
        return null;
      }
      method.setAccessible(true);
    } catch (NoSuchMethodException | RuntimeException e) {
      return null;
    }
    Object receiver = isStatic ? null : captured[0];
    Object[] arguments = isStatic ? captured : Arrays.copyOfRange(captured, 1, captured.length);
    if (receiver == null && !isStatic) {
      return null;
    }
    return new DirectCall(method, receiver, arguments);
  }

  @Override
  public Object call() throws Exception {
    try {
      return method.invoke(receiver, arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
