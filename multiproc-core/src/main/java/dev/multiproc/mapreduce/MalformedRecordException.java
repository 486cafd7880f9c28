package dev.multiproc.mapreduce;

import java.io.Serial;

/**
 * Thrown by a mapper for a record it cannot read (a wrong field count, a non-numeric number).
 *
 * <p>The job attaches where the record is (file and line number for text input) and either fails
 * with a {@link MalformedInputException} or, when the job {@linkplain Job#skipMalformedRecords skips
 * malformed records}, counts and skips it. Any other exception from a mapper fails the job.
 *
 * <pre>{@code
 * if (fields.count() != 4) {
 *   throw new MalformedRecordException("expected 4 tab-separated fields, found " + fields.count());
 * }
 * }</pre>
 */
public class MalformedRecordException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param reason what is wrong with the record
   */
  public MalformedRecordException(String reason) {
    super(reason);
  }
}
