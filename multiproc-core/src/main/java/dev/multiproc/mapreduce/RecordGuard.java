package dev.multiproc.mapreduce;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the mapper on each record of one split and deals with malformed records: either fails the
 * split with a {@link MalformedInputException} that says where, or counts the record and keeps the
 * first few locations as samples.
 */
final class RecordGuard<T> {
  /** How many malformed-record locations a map task reports back. */
  static final int SAMPLES = 5;

  private static final int RECORD_TEXT_CHARS = 200;

  private final Split<T> split;
  private final boolean skipMalformed;
  private long records;
  private long malformed;
  private final List<String> samples = new ArrayList<>();

  RecordGuard(Split<T> split, boolean skipMalformed) {
    this.split = split;
    this.skipMalformed = skipMalformed;
  }

  /** Called once per record, before mapping it. */
  void counted() {
    records++;
  }

  /** Counts {@code n} records that were mapped without passing through here one by one. */
  void counted(long n) {
    records += n;
  }

  /** Called when the mapper rejected {@code record}; returns normally only when skipping. */
  void malformed(T record, MalformedRecordException e) {
    String location = split.locate(record);
    if (!skipMalformed) {
      throw new MalformedInputException(location, e.getMessage(), shorten(String.valueOf(record)));
    }
    malformed++;
    if (samples.size() < SAMPLES) {
      samples.add(location + ": " + e.getMessage());
    }
  }

  private static String shorten(String text) {
    return text.length() <= RECORD_TEXT_CHARS ? text : text.substring(0, RECORD_TEXT_CHARS) + "...";
  }

  long records() {
    return records;
  }

  long malformed() {
    return malformed;
  }

  List<String> samples() {
    return samples;
  }
}
