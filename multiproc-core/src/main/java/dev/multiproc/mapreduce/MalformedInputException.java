package dev.multiproc.mapreduce;

import dev.multiproc.MultiprocException;
import java.io.Serial;

/**
 * A job failed because a record of its input is malformed: says where (for text input, the file and
 * the 1-based line number) and why, and how to go on anyway.
 *
 * <pre>{@code
 * try {
 *   job.run(pool);
 * } catch (MalformedInputException e) {
 *   System.err.println(e.location() + ": " + e.reason());
 * }
 * }</pre>
 */
public final class MalformedInputException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /** Where the record is. */
  private final String location;

  /** What is wrong with it. */
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param location where the record is, e.g. {@code data.tsv:1234}
   * @param reason what is wrong with it
   * @param record the record's text, shortened, or null
   */
  public MalformedInputException(String location, String reason, String record) {
    super(
        location
            + ": malformed record: "
            + reason
            + (record == null ? "" : " in \"" + record + "\"")
            + " (skip such records with Job.skipMalformedRecords(true), or --skip-bad-lines on the command line)");
    this.location = location;
    this.reason = reason;
  }

  /** {@return where the record is, e.g. {@code data.tsv:1234} (file and 1-based line number)} */
  public String location() {
    return location;
  }

  /** {@return what is wrong with the record} */
  public String reason() {
    return reason;
  }
}
