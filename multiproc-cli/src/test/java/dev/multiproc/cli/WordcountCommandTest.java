package dev.multiproc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end: {@code multiproc wordcount} on generated 1-gram files against a
 * straightforward single-threaded count, with 1, 2 and 4 workers, and its error exits.
 */
@Timeout(180)
class WordcountCommandTest {
  @TempDir static Path dir;
  static Path sample;
  static Map<String, Long> expected;

  @BeforeAll
  static void generate() throws Exception {
    sample = dir.resolve("1gram.tsv");
    assertThat(CliRun.of("gen-ngrams", sample.toString(), "--lines", "300000", "--seed", "5").exitCode()).isZero();
    expected = reference(sample);
  }

  /** The straightforward answer: every line split at tabs, field 3 added to field 1. */
  static Map<String, Long> reference(Path file) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] fields = line.split("\t");
      counts.merge(fields[0], Long.parseLong(fields[2]), Long::sum);
    }
    return counts;
  }

  static long jsonLong(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\": (\\d+)").matcher(json);
    assertThat(m.find()).as(field + " in " + json).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void genNgrams_isDeterministic_andInTheLayout() throws Exception {
    Path again = dir.resolve("again.tsv");
    Path other = dir.resolve("other.tsv");
    assertThat(CliRun.of("gen-ngrams", again.toString(), "--lines", "300000", "--seed", "5").exitCode()).isZero();
    assertThat(CliRun.of("gen-ngrams", other.toString(), "--lines", "300000", "--seed", "6").exitCode()).isZero();
    assertThat(Files.mismatch(sample, again)).isEqualTo(-1);
    assertThat(Files.mismatch(sample, other)).isNotEqualTo(-1);
    List<String> lines = Files.readAllLines(sample, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(300_000);
    assertThat(lines).allMatch(line -> line.matches("[^\t]+\t\\d{4}\t\\d+\t\\d+"));
    assertThat(lines).anyMatch(line -> line.contains("é") || line.contains("ü"));
    assertThat(expected.size()).isGreaterThan(3000);
  }

  @Test
  void json_equalsTheReference_withOneTwoAndFourWorkers() {
    String someWord = expected.keySet().iterator().next();
    for (String workers : new String[] {"1", "2", "4"}) {
      // Small splits put boundaries inside lines all over the file.
      CliRun r = CliRun.of("wordcount", sample.toString(), "--workers", workers, "--format", "json", "--top", "5",
          "--word", someWord, "--word", "no-such-word", "--split-size", "65521");
      assertThat(r.exitCode()).as(r.err()).isZero();
      String json = r.out();
      assertThat(jsonLong(json, "distinct")).isEqualTo(expected.size());
      assertThat(jsonLong(json, "total")).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
      assertThat(json).contains("\"" + someWord + "\": " + expected.get(someWord)).contains("\"no-such-word\": 0");
      Map.Entry<String, Long> best = expected.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
      assertThat(json).contains("\"top\": [{\"word\": \"" + best.getKey() + "\", \"count\": " + best.getValue() + "}");
      assertThat(json).startsWith("{\"files\": [\"" + sample.toAbsolutePath() + "\"], \"bytes\": ");
    }
  }

  @Test
  void tableAndTsv_toAnOutputFile() throws Exception {
    Path out = dir.resolve("out.tsv");
    CliRun r = CliRun.of("wordcount", sample.toString(), "--workers", "2", "--format", "tsv", "--top", "3", "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(4).first().isEqualTo("# top 3");
    String[] first = lines.get(1).split("\t");
    assertThat(Long.parseLong(first[1])).isEqualTo(expected.get(first[0]));
    CliRun table = CliRun.of("wordcount", sample.toString(), "--workers", "2");
    assertThat(table.out()).contains(String.format("distinct words: %,d", expected.size())).contains("rank  word");
  }

  @Test
  void malformedLine_exits65_withFileAndLine_orIsSkipped() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.tsv"), "a\t1900\t5\t1\nb\t1900\tfive\t1\nc\t1900\t7\n");
    CliRun r = CliRun.of("wordcount", bad.toString(), "--workers", "1");
    assertThat(r.exitCode()).isEqualTo(WordcountCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains(bad + ":2: malformed record: field 3 is not a number: \"five\"").contains("--skip-bad-lines");
    CliRun skipped = CliRun.of("wordcount", bad.toString(), "--workers", "1", "--skip-bad-lines", "--format", "json");
    assertThat(skipped.exitCode()).as(skipped.err()).isZero();
    assertThat(jsonLong(skipped.out(), "malformed_lines")).isEqualTo(2);
    assertThat(jsonLong(skipped.out(), "total")).isEqualTo(5);
    assertThat(skipped.err()).contains("skipped 2 malformed lines").contains(bad + ":3: expected 4 fields, found 3");
  }

  @Test
  void missingFile_exits66() {
    CliRun r = CliRun.of("wordcount", dir.resolve("missing.tsv").toString());
    assertThat(r.exitCode()).isEqualTo(WordcountCommand.EXIT_NO_INPUT);
    assertThat(r.err()).contains("no such file").contains("missing.tsv");
    CliRun glob = CliRun.of("wordcount", dir + "/*.nothing");
    assertThat(glob.exitCode()).isEqualTo(WordcountCommand.EXIT_NO_INPUT);
  }

  @Test
  void noFile_generatesASample_andCountsIt() throws Exception {
    String tmp = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", dir.toString());
    try {
      CliRun r = CliRun.of("wordcount", "--sample-lines", "20000", "--workers", "2", "--format", "json");
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err()).contains("No FILE given").contains("generating a 20,000-line sample");
      Path generated = dir.resolve("multiproc-samples/googlebooks-sample-1gram-20000-seed1.tsv");
      assertThat(jsonLong(r.out(), "distinct")).isEqualTo(reference(generated).size());
    } finally {
      System.setProperty("java.io.tmpdir", tmp);
    }
  }

  /** bench wordcount --json: ours, the textbook Python and the hand-written baseline agree, in the DEVELOPERS.md shape. */
  @Test
  void benchWordcount_json() {
    System.setProperty("multiproc.home", Path.of("..").toAbsolutePath().normalize().toString());
    CliRun r = CliRun.of("bench", "wordcount", "--json", "--file", sample.toString(), "--runs", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String json = r.out().strip();
    assertThat(json).containsPattern(
        "\"wordcount_throughput\": \\{\"unit\": \"MB/s\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"higher\", \"speedup\": [0-9.]+");
    assertThat(json).containsPattern(
        "\"wordcount_peak_memory\": \\{\"unit\": \"MB\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"lower\", \"speedup\": [0-9.]+");
    assertThat(jsonLong(json, "distinct")).isEqualTo(expected.size());
    assertThat(json).contains("\"of_handwritten\": ");
  }
}
