package dev.multiproc.mapreduce;

import java.time.Duration;
import java.util.List;

/**
 * Figures of one job run.
 *
 * @param splits splits mapped
 * @param records records read by the mappers
 * @param malformedRecords malformed records skipped (0 unless the job skips them)
 * @param malformedSamples where the first skipped records are, with the reason
 * @param inputWeight the input's size (bytes for files, items for collections; -1 if unknown)
 * @param retriedTasks map or reduce tasks run again because their worker died
 * @param elapsed wall time from start to answer
 */
public record JobStats(
    long splits,
    long records,
    long malformedRecords,
    List<String> malformedSamples,
    long inputWeight,
    int retriedTasks,
    Duration elapsed) {
  /** Copies the sample list. */
  public JobStats {
    malformedSamples = List.copyOf(malformedSamples);
  }
}
