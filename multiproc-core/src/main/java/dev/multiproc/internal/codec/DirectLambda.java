package dev.multiproc.internal.codec;

import dev.multiproc.function.SerializableBiFunction;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.function.SerializableFunction;
import dev.multiproc.function.SerializableRunnable;
import java.io.Serial;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Overview: a deserialized lambda of one of Multiproc's own functional interfaces, without a
 * generated lambda class.
 *
 * Rebuilding a lambda the standard way ($deserializeLambda$ -> LambdaMetafactory) generates a
 * class with the ClassFile API, several ms in a cold worker and reflection on every task in a
 * warm one. For SerializableCallable/Runnable/Function/BiFunction we know the functional method
 * and its arity, so the lambda can be represented by its implementation method plus the captured
 * values: calling it invokes the method with (captured..., arguments...), receiver first for an
 * instance method, exactly what the generated class would do. Reflection applies the same boxing,
 * unboxing and widening conversions the metafactory does.
 *
 * It stays serializable: writeReplace hands JDK serialization the original SerializedLambda, so it
 * travels on to another process like the lambda it stands for. Lambdas of other interfaces (a
 * user's own) are rebuilt the standard way.
 */
/** A lambda of Multiproc's functional interfaces, invoked through its implementation method. */
@SuppressWarnings({"rawtypes", "unchecked"})
abstract sealed class DirectLambda implements java.io.Serializable
    permits DirectLambda.Call, DirectLambda.Apply, DirectLambda.BiApply {
  @Serial private static final long serialVersionUID = 1L;

  /** Our functional interfaces, by internal name, with the arity of their functional method. */
  private static final Map<String, Integer> ARITY =
      Map.of(
          "dev/multiproc/function/SerializableCallable", 0,
          "dev/multiproc/function/SerializableRunnable", 0,
          "dev/multiproc/function/SerializableFunction", 1,
          "dev/multiproc/function/SerializableBiFunction", 2);

  private static final Map<String, Executable> TARGETS = new ConcurrentHashMap<>();

  private final transient Executable target;
  private final transient boolean isStatic;
  private final transient Object[] captured;
  private final SerializedLambda form;

  DirectLambda(Executable target, boolean isStatic, Object[] captured, SerializedLambda form) {
    this.target = target;
    this.isStatic = isStatic;
    this.captured = captured;
    this.form = form;
  }

  /** {@return a direct lambda for {@code form}, or null when it must be rebuilt the standard way} */
  static DirectLambda of(SerializedLambda form, Object[] captured, ClassLoader loader) {
    Integer arity = ARITY.get(form.getFunctionalInterfaceClass());
    if (arity == null) {
      return null;
    }
    int kind = form.getImplMethodKind();
    boolean isStatic = kind == MethodHandleInfo.REF_invokeStatic;
    boolean isConstructor = kind == MethodHandleInfo.REF_newInvokeSpecial;
    boolean isInstance =
        kind == MethodHandleInfo.REF_invokeSpecial
            || kind == MethodHandleInfo.REF_invokeVirtual
            || kind == MethodHandleInfo.REF_invokeInterface;
    if (!isStatic && !isConstructor && !isInstance) {
      return null;
    }
    Executable target = target(form, loader, isConstructor);
    if (target == null) {
      return null;
    }
    int receivers = isInstance ? 1 : 0;
    if (captured.length + arity != target.getParameterCount() + receivers) {
      return null;
    }
    if (isInstance && captured.length == 0 && arity == 0) {
      return null;
    }
    boolean direct = isStatic || isConstructor;
    return switch (arity) {
      case 0 -> new Call(target, direct, captured, form);
      case 1 -> new Apply(target, direct, captured, form);
      default -> new BiApply(target, direct, captured, form);
    };
  }

  private static Executable target(SerializedLambda form, ClassLoader loader, boolean isConstructor) {
    String key = form.getImplClass() + '.' + form.getImplMethodName() + form.getImplMethodSignature();
    Executable cached = TARGETS.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      Class<?> owner = ValueEncoding.loadClass(form.getImplClass().replace('/', '.'));
      MethodType type = MethodType.fromMethodDescriptorString(form.getImplMethodSignature(), loader);
      Executable found;
      if (isConstructor) {
        Constructor<?> c = owner.getDeclaredConstructor(type.parameterArray());
        c.setAccessible(true);
        found = c;
      } else {
        Method m = owner.getDeclaredMethod(form.getImplMethodName(), type.parameterArray());
        boolean wantsStatic = form.getImplMethodKind() == MethodHandleInfo.REF_invokeStatic;
        if (Modifier.isStatic(m.getModifiers()) != wantsStatic) {
          return null;
        }
        m.setAccessible(true);
        found = m;
      }
      TARGETS.putIfAbsent(key, found);
      return found;
    } catch (ReflectiveOperationException | IllegalArgumentException | TypeNotPresentException | SecurityException e) {
      return null;
    } catch (RuntimeException e) { // InaccessibleObjectException: a module that is not open to us
      return null;
    }
  }

  final Object invoke(Object... arguments) throws Exception {
    Object[] all = new Object[captured.length + arguments.length];
    System.arraycopy(captured, 0, all, 0, captured.length);
    System.arraycopy(arguments, 0, all, captured.length, arguments.length);
    try {
      if (target instanceof Constructor<?> constructor) {
        return constructor.newInstance(all);
      }
      Method method = (Method) target;
      if (isStatic) {
        return method.invoke(null, all);
      }
      return method.invoke(all[0], java.util.Arrays.copyOfRange(all, 1, all.length));
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

  final Object invokeUnchecked(Object... arguments) {
    try {
      return invoke(arguments);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // A checked exception from a Function body can only come from sneaky throws; keep it intact.
      throw sneaky(e);
    }
  }

  @SuppressWarnings("TypeParameterUnusedInFormals")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }

  /** A {@code SerializableCallable} or {@code SerializableRunnable}. */
  static final class Call extends DirectLambda implements SerializableCallable, SerializableRunnable {
    @Serial private static final long serialVersionUID = 1L;

    Call(Executable target, boolean isStatic, Object[] captured, SerializedLambda form) {
      super(target, isStatic, captured, form);
    }

    @Override
    public Object call() throws Exception {
      return invoke();
    }

    @Override
    public void run() throws Exception {
      invoke();
    }
  }

  /** A {@code SerializableFunction}. */
  static final class Apply extends DirectLambda implements SerializableFunction {
    @Serial private static final long serialVersionUID = 1L;

    Apply(Executable target, boolean isStatic, Object[] captured, SerializedLambda form) {
      super(target, isStatic, captured, form);
    }

    @Override
    public Object apply(Object argument) {
      return invokeUnchecked(argument);
    }
  }

  /** A {@code SerializableBiFunction}. */
  static final class BiApply extends DirectLambda implements SerializableBiFunction {
    @Serial private static final long serialVersionUID = 1L;

    BiApply(Executable target, boolean isStatic, Object[] captured, SerializedLambda form) {
      super(target, isStatic, captured, form);
    }

    @Override
    public Object apply(Object first, Object second) {
      return invokeUnchecked(first, second);
    }
  }

  /** Serializes as the lambda it stands for. */
  @Serial
  final Object writeReplace() {
    return form;
  }

  /** {@return the serialized form of the lambda this stands for} */
  SerializedLambda serializedForm() {
    return form;
  }

  @Override
  public String toString() {
    return form.getImplClass().replace('/', '.') + "." + form.getImplMethodName() + " (direct lambda, captures " + List.of(captured).size() + ")";
  }
}
