package dev.multiproc.internal.protocol;

/** The kind byte of a frame. Values are part of the wire format: never reorder or reuse them. */
enum MessageKind {
  HELLO(1),
  RUN_TASK(2),
  TASK_RESULT(3),
  TASK_FAILURE(4),
  HEARTBEAT(5),
  CANCEL(6),
  SHUTDOWN(7),
  SIGNALLED(8),
  EXITING(9),
  DUMP_THREADS(10),
  THREAD_DUMP(11);

  private static final MessageKind[] BY_CODE = new MessageKind[16];

  static {
    for (MessageKind kind : values()) {
      BY_CODE[kind.code] = kind;
    }
  }

  final byte code;

  MessageKind(int code) {
    this.code = (byte) code;
  }

  static MessageKind of(byte code) throws ProtocolException {
    int index = code & 0xFF;
    MessageKind kind = index < BY_CODE.length ? BY_CODE[index] : null;
    if (kind == null) {
      throw new ProtocolException("unknown message kind " + index);
    }
    return kind;
  }
}
