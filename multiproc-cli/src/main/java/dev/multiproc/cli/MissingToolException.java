package dev.multiproc.cli;

import java.io.Serial;

/** A command needs an external program (e.g. python3) that is not installed. */
final class MissingToolException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  MissingToolException(String message) {
    super(message);
  }
}
