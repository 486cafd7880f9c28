package dev.multiproc.mapreduce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * A byte range of a text file, read by the worker itself with positioned reads; a gzip file is one
 * split, decompressed as a stream.
 *
 * @param path the file (absolute, as every worker sees it)
 * @param start the first byte of the range
 * @param end the end of the range, exclusive
 * @param gzip whether the file is gzip-compressed (then the range is the whole file)
 */
record TextSplit(String path, long start, long end, boolean gzip) implements Split<Line> {
  @Override
  public void read(RecordVisitor<? super Line> visitor) throws Exception {
    Line line = new Line();
    readBlocks((bytes, from, to, base) -> LineReader.eachLine(bytes, from, to, base, line, visitor));
  }

  /**
   * Reads the split a buffer of whole lines at a time (see {@link LineReader#readBlocks}).
   *
   * @param visitor takes each block of lines
   */
  void readBlocks(LineReader.BlockVisitor visitor) throws Exception {
    Path file = Path.of(path);
    if (gzip) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
        LineReader.readBlocks(streamSource(in), 0, Long.MAX_VALUE, visitor);
      }
    } else {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        LineReader.readBlocks(channelSource(channel), start, end, visitor);
      }
    }
  }

  @Override
  public long weight() {
    return end - start;
  }

  @Override
  public String locate(Line record) {
    Path file = Path.of(path);
    try {
      long number;
      if (gzip) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
          number = LineReader.lineNumberAt(streamSource(in), record.offset());
        }
      } else {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          number = LineReader.lineNumberAt(channelSource(channel), record.offset());
        }
      }
      return path + ":" + number;
    } catch (IOException e) {
      return path + " at byte " + record.offset();
    }
  }

  private static LineReader.ByteSource channelSource(FileChannel channel) {
    return (buffer, offset, length, position) -> channel.read(ByteBuffer.wrap(buffer, offset, length), position);
  }

  private static LineReader.ByteSource streamSource(InputStream in) {
    return (buffer, offset, length, position) -> in.read(buffer, offset, length);
  }

  @Override
  public String toString() {
    return gzip ? path : path + " bytes " + start + ".." + end;
  }
}
