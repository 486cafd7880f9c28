package dev.multiproc.cli;

import dev.multiproc.mapreduce.ColumnSum;
import dev.multiproc.mapreduce.CountTable;
import dev.multiproc.mapreduce.Job;
import dev.multiproc.mapreduce.TextInput;

/**
 * The main job: the sum of {@code match_count} per word over files in the Google Books 1-gram
 * layout {@code ngram TAB year TAB match_count TAB volume_count}.
 */
final class WordCountJob {
  /**
   * Adds each line's match count to its word. A line must have four fields, a non-empty word and a
   * numeric match count (the year and volume count are not read, as in the Python reference); an
   * empty line is ignored.
   */
  static final ColumnSum MATCHES_PER_WORD = ColumnSum.of('\t', 4, 0, 2);

  private WordCountJob() {}

  static Job<CountTable> of(TextInput input, boolean skipBadLines) {
    return Job.count(input, MATCHES_PER_WORD).skipMalformedRecords(skipBadLines);
  }
}
