/**
 * Multiproc: Python's {@code multiprocessing} model for Java — functions running in child JVMs.
 *
 * <p>Start with {@link dev.multiproc.ChildProcess} (Python's {@code Process}), {@link
 * dev.multiproc.Pool} (Python's {@code Pool}) or {@link dev.multiproc.ProcessPoolExecutor}
 * (Python's {@code concurrent.futures.ProcessPoolExecutor}). Functions are
 * serializable lambdas ({@link dev.multiproc.function}); values cross between JVMs through a {@link
 * dev.multiproc.codec.Codec}.
 *
 * <h2>Python {@code multiprocessing} to Multiproc</h2>
 * <table class="striped">
 * <caption>Equivalents</caption>
 * <thead><tr><th>Python</th><th>Multiproc</th></tr></thead>
 * <tbody>
 * <tr><td>{@code Process(target=f, args=(x,))}</td><td>{@code ChildProcess.of(f, x)}</td></tr>
 * <tr><td>{@code p.start(); p.join(timeout)}</td><td>{@code p.start(); p.join(Duration)}</td></tr>
 * <tr><td>{@code p.exitcode}</td><td>{@code p.exitCode()}</td></tr>
 * <tr><td>{@code p.terminate(); p.kill()}</td><td>{@code p.terminate(); p.kill()}</td></tr>
 * <tr><td>{@code set_start_method("forkserver")}</td>
 *     <td>{@code ChildProcess.setDefaultStartMethod(StartMethod.standby(n))}</td></tr>
 * <tr><td>{@code Pool(4).apply_async(f, (x,))}</td><td>{@code Pool.create(4).applyAsync(f, x)}</td></tr>
 * <tr><td>{@code pool.map(f, xs)}, {@code pool.imap(f, xs)}</td><td>{@code pool.map(f, xs)}, {@code pool.imap(f, xs)}</td></tr>
 * <tr><td>{@code ProcessPoolExecutor(2).submit(f)}</td><td>{@code ProcessPoolExecutor.create(2).submit(f)}</td></tr>
 * <tr><td>{@code as_completed(fs)}</td><td>{@code ProcessPoolExecutor.asCompleted(fs)}</td></tr>
 * </tbody>
 * </table>
 *
 * <h2>Failures</h2>
 * Everything the library raises extends {@link dev.multiproc.MultiprocException}; a task's own
 * exception arrives as the cause of a {@link dev.multiproc.TaskFailedException}, with its remote
 * stack trace. A pool worker that dies fails only its tasks ({@link
 * dev.multiproc.WorkerCrashedException}) and is replaced.
 */
package dev.multiproc;
