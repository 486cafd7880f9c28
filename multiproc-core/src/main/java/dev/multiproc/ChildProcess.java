package dev.multiproc;

import dev.multiproc.codec.Codec;
import dev.multiproc.codec.JavaSerializationCodec;
import dev.multiproc.function.SerializableBiFunction;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.function.SerializableFunction;
import dev.multiproc.function.SerializableRunnable;
import dev.multiproc.internal.codec.RemoteFailures;
import dev.multiproc.internal.launch.AotCache;
import dev.multiproc.internal.codec.ValueEncoding;
import dev.multiproc.internal.launch.Codecs;
import dev.multiproc.internal.launch.LaunchSpec;
import dev.multiproc.internal.launch.StandbyProcesses;
import dev.multiproc.internal.launch.WorkerHandle;
import dev.multiproc.internal.launch.WorkerLauncher;
import dev.multiproc.internal.protocol.FrameDescriptor;
import dev.multiproc.internal.protocol.Message;
import dev.multiproc.internal.protocol.Message.Exiting;
import dev.multiproc.internal.protocol.Message.RunTask;
import dev.multiproc.internal.protocol.Message.Signalled;
import dev.multiproc.internal.protocol.Message.TaskFailure;
import dev.multiproc.internal.protocol.Message.TaskResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function running in its own JVM: Python's {@code multiprocessing.Process}, plus the function's
 * result.
 *
 * <p>The function is any serializable lambda or method reference ({@link SerializableCallable},
 * {@link SerializableRunnable}, {@link SerializableFunction} with one argument, {@link
 * SerializableBiFunction} with two). It is serialized at {@link #start()} — a lambda that captures
 * something non-serializable fails there with a {@link TaskNotSerializableException} naming the
 * captured class — and runs in a fresh child JVM on this JVM's own {@code java}, class path and
 * the options given to the {@link Builder}.
 *
 * <p><b>Lifecycle.</b> {@code NEW -> started -> ended}; a process starts at most once. {@link
 * #exitCode()} follows Python: empty while running, {@code 0} after the function returned, {@code
 * 1} after it threw, {@code N} after {@code System.exit(N)}, {@code -N} when ended by signal N
 * ({@link #terminate()} gives {@code -15}, {@link #kill()} gives {@code -9}).
 *
 * <p><b>Guarantees.</b> Thread-safe: any thread may join, query, terminate or kill. The child's
 * stdout and stderr are copied into this JVM's {@code System.out}/{@code System.err} (or inherited
 * directly, see {@link Builder#inheritIO}) and never mix with the control channel; all output the
 * child wrote has been forwarded when {@link #join()} returns. Memory consistency: the result
 * returned by {@link #result()} is a deep copy made in the child when the function returned. No
 * child outlives this JVM: an orderly exit kills children, and if this JVM is killed (even by
 * SIGKILL) every child exits within milliseconds on its own.
 *
 * {@snippet :
 * ChildProcess<Long> p = ChildProcess.of(n -> fib(n), 30);   // a child JVM computes fib(30)
 * p.start();
 * p.join();
 * System.out.println(p.exitCode().getAsInt() + " " + p.result()); // "0 832040"
 * }
 *
 * @param <R> the function's result type ({@link Void} for actions)
 * @see StartMethod
 */
public final class ChildProcess<R> {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static volatile StartMethod defaultStartMethod = StartMethod.cold();

  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  private final String name;
  private final SerializableCallable<R> task;
  private final LaunchSpec spec;
  private final StartMethod startMethod;
  private final ValueEncoding encoding;

  private final Object lock = new Object();
  private WorkerHandle worker; // guarded by lock; set once at start
  private volatile Message outcome; // TaskResult or TaskFailure
  private volatile Message lastWord; // Signalled or Exiting
  private volatile IOException channelError;
  private volatile int signalSent;
  private volatile Throwable startFailure;

  private ChildProcess(Builder<R> builder) {
    this.name = builder.name != null ? builder.name : "ChildProcess-" + NAMES.incrementAndGet();
    this.task = builder.task;
    this.startMethod = builder.startMethod != null ? builder.startMethod : defaultStartMethod;
    this.spec =
        new LaunchSpec(builder.jvmOptions, builder.codec.getName(), builder.inheritIO, builder.maxMessageBytes, builder.startTimeout);
    this.encoding = new ValueEncoding(Codecs.instantiate(spec.codecClass()));
  }

  /**
   * A child process that will call {@code task}.
   *
   * @param task the function
   * @param <R> its result type
   * @return the (not yet started) process
   */
  public static <R> ChildProcess<R> of(SerializableCallable<R> task) {
    return builder(task).build();
  }

  /**
   * A child process that will run {@code action}; its result is {@code null}.
   *
   * @param action the action
   * @return the (not yet started) process
   */
  public static ChildProcess<Void> of(SerializableRunnable action) {
    return builder(action).build();
  }

  /**
   * A child process that will call {@code function.apply(arg)} (Python's {@code args=(arg,)}).
   *
   * @param function the function
   * @param arg its argument, serialized at start
   * @param <T> the argument type
   * @param <R> the result type
   * @return the (not yet started) process
   */
  public static <T, R> ChildProcess<R> of(SerializableFunction<T, R> function, T arg) {
    return builder(function, arg).build();
  }

  /**
   * A child process that will call {@code function.apply(first, second)}.
   *
   * @param function the function
   * @param first the first argument
   * @param second the second argument
   * @param <T> the first argument's type
   * @param <U> the second argument's type
   * @param <R> the result type
   * @return the (not yet started) process
   */
  public static <T, U, R> ChildProcess<R> of(SerializableBiFunction<T, U, R> function, T first, U second) {
    Objects.requireNonNull(function, "function");
    return builder(() -> function.apply(first, second)).build();
  }

  /**
   * A builder for a process that will call {@code task}.
   *
   * @param task the function
   * @param <R> its result type
   * @return the builder
   */
  public static <R> Builder<R> builder(SerializableCallable<R> task) {
    return new Builder<>(Objects.requireNonNull(task, "task"));
  }

  /**
   * A builder for a process that will run {@code action}.
   *
   * @param action the action
   * @return the builder
   */
  public static Builder<Void> builder(SerializableRunnable action) {
    Objects.requireNonNull(action, "action");
    return new Builder<>(
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * A builder for a process that will call {@code function.apply(arg)}.
   *
   * @param function the function
   * @param arg its argument
   * @param <T> the argument type
   * @param <R> the result type
   * @return the builder
   */
  public static <T, R> Builder<R> builder(SerializableFunction<T, R> function, T arg) {
    Objects.requireNonNull(function, "function");
    return new Builder<>(() -> function.apply(arg));
  }

  /**
   * Sets the start method for processes whose builder does not choose one (Python's {@code
   * set_start_method}). Affects processes built afterwards.
   *
   * @param method the start method
   */
  public static void setDefaultStartMethod(StartMethod method) {
    defaultStartMethod = Objects.requireNonNull(method, "method");
  }

  /**
   * Records the JDK AOT cache for child JVMs with this builder's launch options now, rather than
   * lazily in the background after the first start; later starts with the same options load their
   * classes pre-linked from it. The training JVM decodes (never runs) the builder's task, so its
   * classes are archived too; decoding runs their static initializers, as deserialization always
   * does. Takes a few seconds once per JDK, class path and option set; a no-op when the cache
   * exists or is disabled ({@code -Dmultiproc.aot=off}).
   *
   * @param options a builder whose JVM options, codec and output settings the cache is for
   * @param timeout how long to wait for the cache to be recorded
   * @return whether a cache is ready
   */
  public static boolean prepareStartupCache(Builder<?> options, Duration timeout) {
    ChildProcess<?> sample = options.build();
    byte[] payload = sample.encoding.encode(sample.task);
    return AotCache.prepare(sample.spec, payload, timeout);
  }

  /**
   * Starts the child JVM and hands it the function.
   *
   * @throws IllegalStateException if this process was already started
   * @throws TaskNotSerializableException if the function or its arguments cannot be serialized
   *     (nothing is started)
   * @throws MultiprocException if the child JVM cannot be started
   */
  public void start() {
    synchronized (lock) {
      if (worker != null || startFailure != null) {
        throw new IllegalStateException(name + " was already started; a process can be started only once");
      }
      byte[] payload = encoding.encode(task); // fails here, in the caller, if not serializable
      if (payload.length > spec.maxFrameBytes() - 64) {
        throw new MultiprocException(
            name + ": the task is " + payload.length + " bytes, over maxMessageBytes " + spec.maxFrameBytes());
      }
      RunTask run = new RunTask(1, true, payload);
      WorkerHandle launched;
      boolean queued = false;
      try {
        if (startMethod.standbyProcesses() > 0) {
          launched = StandbyProcesses.take(spec, startMethod.standbyProcesses(), name, payload);
        } else {
          // The task rides along with the launch: the child decodes it while the handshake completes.
          launched = WorkerLauncher.launch(spec, name, run);
          queued = true;
        }
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
      OutcomeListener listener = new OutcomeListener(launched);
      worker = launched;
      launched.listen(listener);
      if (!queued) {
        try {
          launched.send(run);
        } catch (IOException e) {
          // The child died between connecting and now; join() reports how it ended.
          channelError = e;
        }
      }
    }
  }

  /**
   * Waits until the process ends (Python's {@code join()}).
   *
   * @throws IllegalStateException if the process was never started
   * @throws InterruptedException if interrupted while waiting (the process keeps running)
   */
  public void join() throws InterruptedException {
    try {
      started().terminated().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("unexpected failure waiting for " + name, e);
    }
  }

  /**
   * Waits at most {@code timeout} for the process to end.
   *
   * @param timeout how long to wait
   * @return whether the process has ended
   * @throws IllegalStateException if the process was never started
   * @throws InterruptedException if interrupted while waiting (the process keeps running)
   */
  public boolean join(Duration timeout) throws InterruptedException {
    try {
      started().terminated().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("unexpected failure waiting for " + name, e);
    }
  }

  /** {@return a future completed with this process when it has ended, as {@link #join()} defines it} */
  public CompletableFuture<ChildProcess<R>> onExit() {
    return started().terminated().thenApply(v -> this);
  }

  /** {@return whether the process has started and not yet ended} */
  public boolean isAlive() {
    WorkerHandle w = worker;
    return w != null && w.isAlive();
  }

  /**
   * Returns the exit code, Python's convention.
   *
   * @return empty if not started or still running; otherwise {@code 0} (returned), {@code 1}
   *     (threw), {@code N} ({@code System.exit(N)}), {@code -N} (signal N)
   */
  public OptionalInt exitCode() {
    WorkerHandle w = worker;
    if (w == null || !w.terminated().isDone()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(decodeExitStatus(w.process().exitValue()));
  }

  /** Python's convention, reconstructed from what the JDK reports and what the child said last. */
  private int decodeExitStatus(int raw) {
    if (outcome != null) {
      return raw;
    }
    if (lastWord instanceof Signalled s) {
      return -s.signal();
    }
    int sent = signalSent;
    if (sent != 0 && raw == 128 + sent) {
      // We signalled it, possibly before its handlers were installed (then the JVM's own SIGTERM
      // handling exits with 143 and reports EXITING).
      return -sent;
    }
    if (lastWord instanceof Exiting) {
      return raw; // System.exit(raw), even 137
    }
    // No last word: the JVM could not run its handlers, i.e. an uncatchable signal (SIGKILL,
    // SIGSEGV...). The JDK reports death by signal N as 128 + N.
    if (raw > 128 && raw <= 128 + 64) {
      return -(raw - 128);
    }
    return raw;
  }

  /** Asks the process to stop: SIGTERM, which runs the child's shutdown hooks. No-op once ended. */
  public void terminate() {
    WorkerHandle w = started();
    if (w.isAlive()) {
      signalSent = SIGTERM;
      w.terminate();
    }
  }

  /** Stops the process at once: SIGKILL. No-op once ended. */
  public void kill() {
    WorkerHandle w = started();
    if (w.isAlive()) {
      signalSent = SIGKILL;
      w.kill();
    }
  }

  /** {@return the child's process id; empty before {@link #start()}} */
  public OptionalLong pid() {
    WorkerHandle w = worker;
    return w == null ? OptionalLong.empty() : OptionalLong.of(w.pid());
  }

  /** {@return this process's name ({@code ChildProcess-N} unless set by the builder)} */
  public String name() {
    return name;
  }

  /**
   * Waits for the process to end and returns the function's result.
   *
   * @return the value the function returned in the child
   * @throws TaskFailedException if the function threw; its cause is that exception with its remote
   *     stack (or a {@link RemoteException} stand-in when the class is not available here)
   * @throws ProcessDiedException if the process ended without an outcome (killed, crashed, {@code
   *     System.exit})
   * @throws IllegalStateException if the process was never started
   * @throws InterruptedException if interrupted while waiting
   */
  @SuppressWarnings("unchecked")
  public R result() throws InterruptedException {
    join();
    Message m = outcome;
    if (m instanceof TaskResult r) {
      try {
        return (R) encoding.decode(r.payload());
      } catch (IOException | ClassNotFoundException e) {
        throw new MultiprocException(name + " returned a value that cannot be decoded here: " + e, e);
      }
    }
    if (m instanceof TaskFailure f) {
      Throwable cause = RemoteFailures.rebuild(f, encoding);
      throw new TaskFailedException(name, f.description().className(), cause);
    }
    int code = exitCode().orElseThrow();
    throw new ProcessDiedException(describeDeath(code), code, channelError);
  }

  /**
   * Waits for the process to end and returns the function's exception, if it threw.
   *
   * @return the exception (see {@link #result()} for its form), or empty if the function returned
   *     or the process died without an outcome
   * @throws InterruptedException if interrupted while waiting
   */
  public Optional<Throwable> exception() throws InterruptedException {
    join();
    if (outcome instanceof TaskFailure f) {
      return Optional.of(RemoteFailures.rebuild(f, encoding));
    }
    return Optional.empty();
  }

  private String describeDeath(int code) {
    String how =
        code < 0
            ? "was ended by signal " + (-code) + (code == -SIGKILL ? " (SIGKILL)" : code == -SIGTERM ? " (SIGTERM)" : "")
            : "exited with status " + code;
    return name + " (pid " + worker.pid() + ") " + how + " before its function returned"
        + (channelError != null ? "; channel error: " + channelError.getMessage() : "");
  }

  private WorkerHandle started() {
    WorkerHandle w = worker;
    if (w == null) {
      throw new IllegalStateException(name + " has not been started");
    }
    return w;
  }

  @Override
  public String toString() {
    WorkerHandle w = worker;
    if (w == null) {
      return "<ChildProcess name='" + name + "' initial>";
    }
    OptionalInt code = exitCode();
    return "<ChildProcess name='" + name + "' pid=" + w.pid()
        + (code.isPresent() ? " exitcode=" + code.getAsInt() : " started") + ">";
  }

  private final class OutcomeListener implements WorkerHandle.Listener {
    private final WorkerHandle handle;

    OutcomeListener(WorkerHandle handle) {
      this.handle = handle;
    }

    @Override
    public void onMessage(Message message) {
      switch (message) {
        case TaskResult r -> {
          outcome = r;
          handle.release(); // its last word: let it exit without waiting on its stdin
        }
        case TaskFailure f -> {
          outcome = f;
          handle.release();
        }
        case Signalled s -> lastWord = s;
        case Exiting e -> {
          if (!(lastWord instanceof Signalled)) {
            lastWord = e;
          }
        }
        default -> {
          // heartbeats and anything newer are not a ChildProcess's concern
        }
      }
    }

    @Override
    public void onChannelEnd(IOException error) {
      if (error != null) {
        channelError = error;
      }
    }
  }

  /**
   * Configures a {@link ChildProcess}. Defaults: name {@code ChildProcess-N}; no extra JVM options;
   * {@link JavaSerializationCodec}; output copied into {@code System.out}/{@code System.err}; the
   * default start method ({@link StartMethod#cold()} unless changed); 256 MiB maximum message; 30 s
   * start timeout.
   *
   * @param <R> the result type
   */
  public static final class Builder<R> {
    private final SerializableCallable<R> task;
    private String name;
    private final List<String> jvmOptions = new ArrayList<>();
    private Class<? extends Codec> codec = JavaSerializationCodec.class;
    private boolean inheritIO;
    private int maxMessageBytes = FrameDescriptor.DEFAULT_MAX_FRAME_BYTES;
    private Duration startTimeout = Duration.ofSeconds(30);
    private StartMethod startMethod;

    private Builder(SerializableCallable<R> task) {
      this.task = task;
    }

    /**
     * Names the process (shown by {@link #name()}, in messages, and on the child's command line).
     *
     * @param name the name
     * @return this builder
     */
    public Builder<R> name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * Adds JVM options for the child, e.g. {@code "-Xmx256m"}, {@code "-Dkey=value"}.
     *
     * @param options the options, appended in order
     * @return this builder
     */
    public Builder<R> jvmOptions(String... options) {
      for (String option : options) {
        if (option == null || option.isBlank()) {
          throw new IllegalArgumentException("JVM options must not be blank");
        }
        if (option.equals("-cp") || option.equals("-classpath") || option.startsWith("--class-path")) {
          throw new IllegalArgumentException(
              "the child always uses this JVM's class path; pass libraries on the parent's class path instead of " + option);
        }
        jvmOptions.add(option);
      }
      return this;
    }

    /**
     * Sets the child's maximum heap ({@code -Xmx}).
     *
     * @param size a JVM size such as {@code "256m"} or {@code "2g"}
     * @return this builder
     */
    public Builder<R> maxHeap(String size) {
      if (!size.matches("\\d+[kKmMgGtT]?")) {
        throw new IllegalArgumentException("heap size must look like 512m or 2g, got " + size);
      }
      return jvmOptions("-Xmx" + size);
    }

    /**
     * Sets a system property in the child.
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder<R> systemProperty(String key, String value) {
      return jvmOptions("-D" + key + "=" + value);
    }

    /**
     * Chooses the codec; the child creates its own instance from the class.
     *
     * @param codec a codec class with a public no-argument constructor
     * @return this builder
     */
    public Builder<R> codec(Class<? extends Codec> codec) {
      Codecs.instantiate(codec.getName()); // fail now, not at start
      this.codec = codec;
      return this;
    }

    /**
     * Lets the child write straight to this JVM's file descriptors 1 and 2 (as Python's children
     * do) instead of copying through {@code System.out}/{@code System.err}. Faster for very
     * chatty children; output then bypasses any {@code System.setOut} redirection.
     *
     * @param inherit whether to inherit
     * @return this builder
     */
    public Builder<R> inheritIO(boolean inherit) {
      this.inheritIO = inherit;
      return this;
    }

    /**
     * Caps the size of one message (the task with its arguments, or the result).
     *
     * @param bytes the cap, at least 4096
     * @return this builder
     */
    public Builder<R> maxMessageBytes(int bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("maxMessageBytes must be >= 4096, got " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * Sets how long the child JVM may take to start and connect back.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder<R> startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, got " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Chooses how the JVM is obtained.
     *
     * @param method the start method
     * @return this builder
     */
    public Builder<R> startMethod(StartMethod method) {
      this.startMethod = Objects.requireNonNull(method, "method");
      return this;
    }

    /** {@return the configured, not yet started process} */
    public ChildProcess<R> build() {
      return new ChildProcess<>(this);
    }
  }
}
