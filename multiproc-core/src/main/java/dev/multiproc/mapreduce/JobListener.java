package dev.multiproc.mapreduce;

/**
 * Hears how a job run goes, e.g. to draw a progress bar. Called from the job's calling thread,
 * between task completions: keep it quick.
 *
 * <pre>{@code
 * job.execute(pool, new JobListener() {
 *   public void onProgress(long done, long total) { bar.stepTo(done); }
 * });
 * }</pre>
 */
public interface JobListener {
  /** Hears nothing. */
  JobListener NONE = new JobListener() {};

  /**
   * A split was mapped.
   *
   * @param done the weight mapped so far (bytes for files, items for collections)
   * @param total the input's total weight, or -1 if unknown
   */
  default void onProgress(long done, long total) {}

  /**
   * A task is run again because its worker died.
   *
   * @param task what the task was doing, e.g. the split
   * @param cause why its worker died
   */
  default void onRetry(String task, Throwable cause) {}
}
