package dev.multiproc.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multiproc.TaskNotSerializableException;
import dev.multiproc.codec.JavaSerializationCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** ValueEncoding over the default JavaSerializationCodec: raw fast paths, codec fallback, corrupt input. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class ValueEncodingTest {

  private static final Set<Integer> KNOWN_TAGS = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18);

  private final ValueEncoding encoding = new ValueEncoding(new JavaSerializationCodec());

  /** A serializable record: goes through the codec. */
  record Point(int x, String label, long[] extra) implements Serializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof Point p && p.x == x && p.label.equals(label) && Arrays.equals(p.extra, extra);
    }

    @Override
    public int hashCode() {
      return 31 * x + label.hashCode();
    }
  }

  /** A serializable class with a cycle and a null field: goes through the codec. */
  static final class Node implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    final String name;
    Node next;
    final String nothing = null;

    Node(String name) {
      this.name = name;
    }
  }

  /** null round-trips as the single tag byte 0. */
  @Test
  void encodeThenDecode_null_roundTripsAsOneByte() throws Exception {
    byte[] bytes = encoding.encode(null);

    assertThat(bytes).containsExactly(0);
    assertThat(encoding.decode(bytes)).isNull();
  }

  /** byte[] of any length (empty included) round-trips raw: tag 1 then the bytes, and decode returns a fresh copy. */
  @Test
  void encodeThenDecode_byteArray_roundTripsRaw() throws Exception {
    Random random = new Random(1);
    for (int n : new int[] {0, 1, 7, 8, 1000, 100_000}) {
      byte[] value = new byte[n];
      random.nextBytes(value);

      byte[] bytes = encoding.encode(value);
      Object decoded = encoding.decode(bytes);

      assertThat(bytes).hasSize(n + 1).startsWith(1);
      assertThat(Arrays.copyOfRange(bytes, 1, bytes.length)).isEqualTo(value);
      assertThat(decoded).isInstanceOf(byte[].class).isEqualTo(value).isNotSameAs(value);
    }
  }

  /** int[] round-trips with extremes, empty included; the body is 4 little-endian bytes per element. */
  @Test
  void encodeThenDecode_intArray_roundTripsLittleEndian() throws Exception {
    int[] value = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x01020304};

    byte[] bytes = encoding.encode(value);

    assertThat(bytes).hasSize(1 + 4 * value.length).startsWith(2);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1 + 4 * 5, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(0x01020304);
    assertThat((int[]) encoding.decode(bytes)).containsExactly(value);
    assertThat((int[]) encoding.decode(encoding.encode(new int[0]))).isEmpty();
  }

  /** long[] round-trips with extremes, empty and large ones included. */
  @Test
  void encodeThenDecode_longArray_roundTrips() throws Exception {
    long[] value = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L};
    long[] large = new Random(2).longs(100_000).toArray();

    assertThat(encoding.encode(value)).hasSize(1 + 8 * value.length).startsWith(3);
    assertThat((long[]) encoding.decode(encoding.encode(value))).containsExactly(value);
    assertThat((long[]) encoding.decode(encoding.encode(large))).containsExactly(large);
    assertThat((long[]) encoding.decode(encoding.encode(new long[0]))).isEmpty();
  }

  /** double[] round-trips bit for bit: NaN (canonical and with a payload), -0.0, infinities, subnormals. */
  @Test
  void encodeThenDecode_doubleArray_roundTripsBitForBit() throws Exception {
    double[] value = {
      0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7FF0_0000_0000_0001L), Double.longBitsToDouble(0xFFF8_0000_0000_1234L),
      Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_NORMAL, Double.MAX_VALUE, Math.PI
    };

    byte[] bytes = encoding.encode(value);
    double[] decoded = (double[]) encoding.decode(bytes);

    assertThat(bytes).hasSize(1 + 8 * value.length).startsWith(4);
    assertThat(decoded).hasSameSizeAs(value);
    for (int i = 0; i < value.length; i++) {
      assertThat(Double.doubleToRawLongBits(decoded[i])).as("element %d", i).isEqualTo(Double.doubleToRawLongBits(value[i]));
    }
    assertThat((double[]) encoding.decode(encoding.encode(new double[0]))).isEmpty();
  }

  /** Strings round-trip as UTF-8 behind tag 5: empty, NUL, accents, CJK, emoji (surrogate pairs), max code point. */
  @ParameterizedTest
  @ValueSource(strings = {"", "\0", "plain ascii", "ünïcödé", "日本語テキスト", "\uD83D\uDE00 emoji \uD83C\uDDEB\uD83C\uDDF7", "\uDBFF\uDFFF", "a\u0000b\u007F\u0080\u07FF\u0800\uFFFF"})
  void encodeThenDecode_string_roundTripsAsUtf8(String value) throws Exception {
    byte[] bytes = encoding.encode(value);

    assertThat(bytes).startsWith(5);
    assertThat(Arrays.copyOfRange(bytes, 1, bytes.length)).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    assertThat(encoding.decode(bytes)).isEqualTo(value);
  }

  /** A long string of random valid code points round-trips. */
  @Test
  void encodeThenDecode_randomUnicodeString_roundTrips() throws Exception {
    int[] codePoints =
        new Random(3).ints(50_000, 0, Character.MAX_CODE_POINT + 1).filter(cp -> cp < 0xD800 || cp > 0xDFFF).toArray();
    String value = new String(codePoints, 0, codePoints.length);

    assertThat(encoding.decode(encoding.encode(value))).isEqualTo(value);
  }

  /** ArrayLists travel raw (ints and longs as arrays, others element by element) and come back as equal ArrayLists; nested or cyclic ones use the codec. */
  @Test
  void encodeThenDecode_arrayLists() throws Exception {
    ArrayList<Integer> ints = new ArrayList<>(List.of(1, -2, Integer.MAX_VALUE));
    ArrayList<Long> longs = new ArrayList<>(List.of(1L, Long.MIN_VALUE));
    ArrayList<Object> mixed = new ArrayList<>(java.util.Arrays.asList("a", 1, null, 2.5, new int[] {7}, new Point(1, "p", new long[0])));
    assertThat(encoding.encode(ints)[0]).isEqualTo((byte) 11);
    assertThat(encoding.encode(longs)[0]).isEqualTo((byte) 12);
    assertThat(encoding.encode(mixed)[0]).isEqualTo((byte) 13);
    assertThat(encoding.decode(encoding.encode(ints))).isEqualTo(ints).isInstanceOf(ArrayList.class);
    assertThat(encoding.decode(encoding.encode(longs))).isEqualTo(longs);
    assertThat(encoding.decode(encoding.encode(new ArrayList<>()))).isEqualTo(List.of()).isInstanceOf(ArrayList.class);
    assertThat(encoding.decode(encoding.encode(mixed))).usingRecursiveComparison().isEqualTo(mixed);
    ArrayList<Object> nested = new ArrayList<>(List.of(new ArrayList<>(List.of(1))));
    assertThat(encoding.encode(nested)[0]).isEqualTo((byte) 15);
    ArrayList<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    assertThat(((List<?>) encoding.decode(encoding.encode(cyclic))).get(0)).isInstanceOf(List.class);
    assertThat(encoding.encode(List.of(1, 2))[0]).as("other List classes keep their type through the codec").isEqualTo((byte) 15);
  }

  /** Lists of only Doubles travel raw too (tag 14), every value bit for bit, NaNs and -0.0 included; mixed ones element by element. */
  @Test
  void encodeThenDecode_doubleLists() throws Exception {
    double oddNaN = Double.longBitsToDouble(0x7ff8_0000_0000_0123L);
    ArrayList<Double> doubles = new ArrayList<>(List.of(1.5, -0.0, Double.NaN, oddNaN, Double.MIN_VALUE, Double.NEGATIVE_INFINITY));
    byte[] bytes = encoding.encode(doubles);
    assertThat(bytes[0]).isEqualTo((byte) 14);
    assertThat(bytes).hasSize(1 + 8 * doubles.size());
    @SuppressWarnings("unchecked")
    List<Double> decoded = (List<Double>) encoding.decode(bytes);
    assertThat(decoded).isInstanceOf(ArrayList.class).hasSize(doubles.size());
    for (int i = 0; i < doubles.size(); i++) {
      assertThat(Double.doubleToRawLongBits(decoded.get(i))).as("element %d", i).isEqualTo(Double.doubleToRawLongBits(doubles.get(i)));
    }
    ArrayList<Object> startsWithDouble = new ArrayList<>(List.of(1.5, 2L));
    assertThat(encoding.encode(startsWithDouble)[0]).isEqualTo((byte) 13);
    assertThat(encoding.decode(encoding.encode(startsWithDouble))).isEqualTo(startsWithDouble);
  }

  /**
   * A ListSlice (a map chunk) of numbers travels raw and arrives as a read-only PackedNumberList;
   * any other slice travels and arrives as the ArrayList of its elements would.
   */
  @Test
  void encodeThenDecode_listSlices_arrivePackedOrAsArrayLists() throws Exception {
    List<Integer> ints = List.of(0, 1, 2, 3, 4, 5);
    List<Object> nested = List.of("a", List.of(1), "b");
    assertThat(encoding.decode(encoding.encode(ListSlice.of(ints, 1, 4)))).isEqualTo(List.of(1, 2, 3)).isInstanceOf(PackedNumberList.class);
    assertThat(encoding.decode(encoding.encode(ListSlice.of(List.of(1L, 2L), 0, 2)))).isEqualTo(List.of(1L, 2L)).isInstanceOf(PackedNumberList.class);
    assertThat(encoding.decode(encoding.encode(ListSlice.of(List.of(-0.0, Double.NaN), 0, 2)))).isEqualTo(List.of(-0.0, Double.NaN));
    assertThat(encoding.decode(encoding.encode(ListSlice.of(List.of("x", "y"), 0, 2)))).isEqualTo(List.of("x", "y")).isInstanceOf(ArrayList.class);
    assertThat(encoding.decode(encoding.encode(ListSlice.of(nested, 1, 3)))).isEqualTo(List.of(List.of(1), "b")).isInstanceOf(ArrayList.class);
    assertThat(encoding.decode(encoding.encode(ListSlice.of(ints, 2, 2)))).isEqualTo(List.of()).isInstanceOf(ArrayList.class);
    assertThat(ValueEncoding.decodesWithoutUserCode(encoding.encode(ListSlice.of(ints, 1, 4)))).isTrue();
    assertThatThrownBy(() -> ListSlice.of(new java.util.LinkedList<>(ints), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListSlice.of(ints, 4, 7)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** A list holding byte arrays (a map task's partitions) round-trips with each array intact and unshared. */
  @Test
  void encodeThenDecode_listOfByteArrays_roundTrips() throws Exception {
    byte[] big = new byte[100_000];
    new java.util.Random(3).nextBytes(big);
    ArrayList<Object> list = new ArrayList<>(java.util.Arrays.asList(7L, "s", new byte[0], big, 2, null));
    byte[] bytes = encoding.encode(list);
    assertThat(bytes[0]).isEqualTo((byte) 13);
    @SuppressWarnings("unchecked")
    List<Object> decoded = (List<Object>) encoding.decode(bytes);
    assertThat(decoded).hasSize(6);
    assertThat(decoded.get(0)).isEqualTo(7L);
    assertThat(decoded.get(1)).isEqualTo("s");
    assertThat((byte[]) decoded.get(2)).isEmpty();
    assertThat((byte[]) decoded.get(3)).isEqualTo(big).isNotSameAs(big);
    assertThat(decoded.get(4)).isEqualTo(2);
    assertThat(decoded.get(5)).isNull();
  }

  /** Packed lists of each kind round-trip unboxed and equal; a user's ArrayList of numbers still arrives as an ArrayList. */
  @Test
  void encodeThenDecode_packedNumberLists_roundTrip() throws Exception {
    List<?> packedInts = PackedNumberList.packIfNumbers(new ArrayList<>(List.of(3, Integer.MIN_VALUE, 0)));
    List<?> packedLongs = PackedNumberList.packIfNumbers(new ArrayList<>(List.of(Long.MAX_VALUE, -1L)));
    List<?> packedDoubles = PackedNumberList.packIfNumbers(new ArrayList<>(List.of(2.5, Double.NaN, -0.0)));
    for (List<?> packed : List.of(packedInts, packedLongs, packedDoubles)) {
      assertThat(packed).isInstanceOf(PackedNumberList.class);
      Object decoded = encoding.decode(encoding.encode(packed));
      assertThat(decoded).isInstanceOf(PackedNumberList.class).isEqualTo(packed);
      assertThatThrownBy(() -> ((List<?>) decoded).clear()).isInstanceOf(UnsupportedOperationException.class);
    }
    assertThat(packedDoubles.get(1)).isEqualTo(Double.NaN);
    assertThat(encoding.decode(encoding.encode(new ArrayList<>(List.of(1, 2))))).isInstanceOf(ArrayList.class);
    // Anything but one kind of number is left as it is.
    ArrayList<Object> mixed = new ArrayList<>(List.of(1, 2L));
    assertThat(PackedNumberList.packIfNumbers(mixed)).isSameAs(mixed);
    ArrayList<Object> withNull = new ArrayList<>(java.util.Arrays.asList(1, null));
    assertThat(PackedNumberList.packIfNumbers(withNull)).isSameAs(withNull);
    // Through Java serialization (a cluster backend) it travels as an ArrayList.
    assertThat(new dev.multiproc.codec.JavaSerializationCodec().decode(new dev.multiproc.codec.JavaSerializationCodec().encode(packedInts)))
        .isInstanceOf(ArrayList.class).isEqualTo(List.of(3, Integer.MIN_VALUE, 0));
  }

  /** Boxed int, long, double and boolean travel raw (tags 6-9) and come back equal, NaN and -0.0 included. */
  @Test
  void encodeThenDecode_boxedPrimitives_roundTripRaw() throws Exception {
    List<Object> values = List.of(42, Integer.MIN_VALUE, -7L, Long.MAX_VALUE, 3.5, -0.0, Double.NaN, true, false);
    for (Object value : values) {
      byte[] bytes = encoding.encode(value);
      assertThat(bytes[0]).as("tag of %s", value).isBetween((byte) 6, (byte) 9);
      assertThat(encoding.decode(bytes)).isEqualTo(value);
    }
  }

  /** A serializable lambda capturing numbers, strings, arrays and another lambda travels raw (tag 10) and still works. */
  @Test
  void encodeThenDecode_lambda_roundTripsRawAndRuns() throws Exception {
    dev.multiproc.function.SerializableFunction<Integer, Integer> inner = x -> x * 2;
    long[] weights = {1, 2, 3};
    String label = "sum";
    dev.multiproc.function.SerializableCallable<String> task =
        () -> label + "=" + (inner.apply(21) + java.util.Arrays.stream(weights).sum());
    byte[] bytes = encoding.encode(task);
    assertThat(bytes[0]).isEqualTo((byte) 10);
    @SuppressWarnings("unchecked")
    java.util.concurrent.Callable<String> decoded = (java.util.concurrent.Callable<String>) encoding.decode(bytes);
    assertThat(decoded.call()).isEqualTo("sum=48");
  }

  /**
   * Captured lists of numbers are written into the lambda's encoding in place; one that only starts
   * with numbers, or a slice, still arrives intact.
   */
  @Test
  void encodeThenDecode_lambdaCapturingLists_roundTrips() throws Exception {
    ArrayList<Integer> ints = new ArrayList<>(List.of(5, -6, 7));
    ArrayList<Object> startsWithInt = new ArrayList<>(java.util.Arrays.asList(1, "two", 3L));
    List<Long> longs = ListSlice.of(List.of(9L, 8L, 7L, 6L), 1, 3);
    dev.multiproc.function.SerializableCallable<String> task = () -> ints + "/" + startsWithInt + "/" + longs + "/" + longs.getClass().getSimpleName();
    byte[] bytes = encoding.encode(task);
    assertThat(bytes).isEqualTo(encoding.encode(task));
    @SuppressWarnings("unchecked")
    java.util.concurrent.Callable<String> decoded = (java.util.concurrent.Callable<String>) encoding.decode(bytes);
    assertThat(decoded.call()).isEqualTo("[5, -6, 7]/[1, two, 3]/[8, 7]/PackedNumberList");
  }

  /** A captured null (the AOT training's warm-up task captures a null sample) is no number list. */
  @Test
  void encodeThenDecode_lambdaCapturingNull_roundTrips() throws Exception {
    String nothing = null;
    List<Integer> none = null;
    dev.multiproc.function.SerializableCallable<String> task = () -> nothing + "/" + none;
    @SuppressWarnings("unchecked")
    java.util.concurrent.Callable<String> decoded = (java.util.concurrent.Callable<String>) encoding.decode(encoding.encode(task));
    assertThat(decoded.call()).isEqualTo("null/null");
  }

  /**
   * In a worker (trusted source), lambdas of our interfaces come back as direct calls of their
   * implementation: static and instance lambdas, bound, unbound and constructor method references
   * all behave like the original, exceptions pass through unwrapped, and the result re-serializes
   * as the lambda it stands for.
   */
  @Test
  void directLambdas_behaveLikeTheOriginals() throws Exception {
    ValueEncoding worker = ValueEncoding.forTasksFromParent(new JavaSerializationCodec());
    int offset = 5;
    dev.multiproc.function.SerializableFunction<Integer, Integer> capturing = x -> x + offset;
    dev.multiproc.function.SerializableFunction<String, Integer> unbound = String::length;
    String prefix = "pre-";
    dev.multiproc.function.SerializableFunction<String, String> bound = prefix::concat;
    dev.multiproc.function.SerializableFunction<String, StringBuilder> constructor = StringBuilder::new;
    dev.multiproc.function.SerializableBiFunction<Integer, Integer, Integer> sum = Integer::sum;
    dev.multiproc.function.SerializableCallable<Long> widening = () -> Math.max(3L, 4);
    dev.multiproc.function.SerializableCallable<Object> throwing = () -> { throw new java.io.IOException("checked"); };

    @SuppressWarnings("unchecked")
    var f1 = (java.util.function.Function<Integer, Integer>) worker.decode(encoding.encode(capturing));
    @SuppressWarnings("unchecked")
    var f2 = (java.util.function.Function<String, Integer>) worker.decode(encoding.encode(unbound));
    @SuppressWarnings("unchecked")
    var f3 = (java.util.function.Function<String, String>) worker.decode(encoding.encode(bound));
    @SuppressWarnings("unchecked")
    var f4 = (java.util.function.Function<String, StringBuilder>) worker.decode(encoding.encode(constructor));
    @SuppressWarnings("unchecked")
    var f5 = (java.util.function.BiFunction<Integer, Integer, Integer>) worker.decode(encoding.encode(sum));
    assertThat(f1.apply(1)).isEqualTo(6);
    assertThat(f2.apply("four")).isEqualTo(4);
    assertThat(f3.apply("fix")).isEqualTo("pre-fix");
    assertThat(f4.apply("sb").toString()).isEqualTo("sb");
    assertThat(f5.apply(2, 3)).isEqualTo(5);
    assertThat(f1.getClass().getName()).contains("DirectLambda");
    assertThat(worker.decodeTask(encoding.encode(widening)).call()).isEqualTo(4L);
    assertThatThrownBy(() -> worker.decodeTask(encoding.encode(throwing)).call())
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("checked");
    // travels on: re-encoded, it decodes (the standard way, untrusted) to a working lambda
    @SuppressWarnings("unchecked")
    var again = (java.util.function.Function<Integer, Integer>) encoding.decode(encoding.encode(f1));
    assertThat(again.apply(10)).isEqualTo(15);
    // and through JDK serialization too
    @SuppressWarnings("unchecked")
    var viaJdk = (java.util.function.Function<Integer, Integer>) encoding.codec().decode(encoding.codec().encode(f1));
    assertThat(viaJdk.apply(1)).isEqualTo(6);
  }

  /** A lambda capturing a non-serializable object fails at encode, naming that class and the lambda. */
  @Test
  void encode_lambdaCapturingNonSerializable_namesCulpritAndLambda() {
    Object culprit = new Object();
    dev.multiproc.function.SerializableCallable<Integer> task = culprit::hashCode;
    assertThatThrownBy(() -> encoding.encode(task))
        .isInstanceOf(TaskNotSerializableException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("lambda");
  }

  /** Serializable values without a raw path (record, char, collections, a cyclic graph) go through the codec (tag 15) and come back equal. */
  @Test
  void encodeThenDecode_serializableObject_roundTripsThroughCodec() throws Exception {
    Point point = new Point(-5, "p ✓", new long[] {1, 2});
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("point", point);
    map.put("ints", new int[] {1});
    map.put("null", null);
    List<Object> values = List.of(point, 'c', new java.util.LinkedList<>(List.of("a", "b")), map, new String[] {"x"});

    for (Object value : values) {
      byte[] bytes = encoding.encode(value);
      assertThat(bytes[0]).as("tag of %s", value.getClass()).isEqualTo((byte) 15);
      assertThat(encoding.decode(bytes)).usingRecursiveComparison().isEqualTo(value);
    }

    Node a = new Node("a");
    Node b = new Node("b");
    a.next = b;
    b.next = a;
    Node decoded = (Node) encoding.decode(encoding.encode(a));
    assertThat(decoded.name).isEqualTo("a");
    assertThat(decoded.next.name).isEqualTo("b");
    assertThat(decoded.next.next).isSameAs(decoded);
    assertThat(decoded.nothing).isNull();
  }

  /** A value that is not serializable is refused at encode time with TaskNotSerializableException. */
  @Test
  void encode_nonSerializable_throwsTaskNotSerializable() {
    Object notSerializable = new Object();

    assertThatThrownBy(() -> encoding.encode(notSerializable)).isInstanceOf(TaskNotSerializableException.class);
    assertThatThrownBy(() -> encoding.encode(List.of(new Object()))).isInstanceOf(TaskNotSerializableException.class);
  }

  /**
   * Lambdas decoded again and again (their headers parsed once) keep their own captured values; a
   * lambda that captures nothing encodes to the same bytes every time; every truncation of an
   * encoded lambda is refused with an IOException, not a runtime exception.
   */
  @Test
  void lambdas_decodedRepeatedly_keepTheirCaptures_andTruncationsAreRefused() throws Exception {
    dev.multiproc.function.SerializableFunction<Integer, Integer> stateless = x -> x * 3;
    assertThat(encoding.encode(stateless)).isEqualTo(encoding.encode(stateless));
    ValueEncoding worker = ValueEncoding.forTasksFromParent(new JavaSerializationCodec());
    for (ValueEncoding decoder : List.of(encoding, worker)) {
      for (int i = 0; i < 5; i++) {
        int n = i;
        dev.multiproc.function.SerializableCallable<Integer> task = () -> stateless.apply(n) + n;
        @SuppressWarnings("unchecked")
        java.util.concurrent.Callable<Integer> decoded = (java.util.concurrent.Callable<Integer>) decoder.decode(encoding.encode(task));
        assertThat(decoded.call()).isEqualTo(4 * i);
      }
    }
    dev.multiproc.function.SerializableCallable<String> task = () -> "x" + stateless.apply(2);
    byte[] bytes = encoding.encode(task);
    for (int length = 1; length < bytes.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> encoding.decode(cut)).as("cut at %d", length).isInstanceOf(java.io.IOException.class);
    }
  }

  /** An empty array is corrupt: StreamCorruptedException. */
  @Test
  void decode_emptyArray_throwsStreamCorrupted() {
    assertThatThrownBy(() -> encoding.decode(new byte[0]))
        .isInstanceOf(StreamCorruptedException.class)
        .hasMessageContaining("empty");
  }

  /** Every tag byte that is not a known tag is refused with StreamCorruptedException naming it, whatever follows. */
  @Test
  void decode_unknownTag_throwsStreamCorrupted() {
    for (int tag = 0; tag < 256; tag++) {
      if (KNOWN_TAGS.contains(tag)) {
        continue;
      }
      for (byte[] body : List.of(new byte[0], new byte[] {1, 2, 3, 4, 5, 6, 7, 8})) {
        byte[] bytes = new byte[1 + body.length];
        bytes[0] = (byte) tag;
        System.arraycopy(body, 0, bytes, 1, body.length);

        assertThatThrownBy(() -> encoding.decode(bytes))
            .as("tag %d", tag)
            .isInstanceOf(StreamCorruptedException.class)
            .hasMessage("unknown value tag " + (byte) tag);
      }
    }
  }

  /** An int[] body whose length is not a multiple of 4, or a long[]/double[] body not a multiple of 8, is refused with StreamCorruptedException. */
  @ParameterizedTest
  @MethodSource("ragged")
  void decode_arrayBodyNotMultipleOfElementSize_throwsStreamCorrupted(int tag, int bodyLength) {
    byte[] bytes = new byte[1 + bodyLength];
    bytes[0] = (byte) tag;

    assertThatThrownBy(() -> encoding.decode(bytes))
        .isInstanceOf(StreamCorruptedException.class)
        .hasMessageContaining("array body of " + bodyLength + " bytes is not a multiple of " + (tag == 2 ? 4 : 8));
  }

  static Stream<Arguments> ragged() {
    List<Arguments> cases = new ArrayList<>();
    for (int n = 1; n < 20; n++) {
      if (n % 4 != 0) {
        cases.add(Arguments.of(2, n));
      }
      if (n % 8 != 0) {
        cases.add(Arguments.of(3, n));
        cases.add(Arguments.of(4, n));
      }
    }
    cases.add(Arguments.of(2, 4001));
    cases.add(Arguments.of(3, 8003));
    cases.add(Arguments.of(4, 8004));
    return cases.stream();
  }

  /** Every truncation of a codec-encoded value throws an IOException (or ClassNotFoundException), never anything else. */
  @Test
  void decode_truncatedCodecValue_throwsIOException() throws Exception {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("point", new Point(1, "one", new long[] {7}));
    value.put("list", new ArrayList<>(List.of(1, 2L, "three")));
    byte[] bytes = encoding.encode(value);

    for (int cut = 1; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      Throwable thrown = catchThrowable(() -> encoding.decode(truncated));
      assertThat(thrown).as("cut at %d of %d", cut, bytes.length).isInstanceOfAny(IOException.class, ClassNotFoundException.class);
    }
  }

  /** Random bytes behind every tag decode to a value or throw an IOException (or ClassNotFoundException), never anything else. */
  @Test
  void decode_randomBytes_throwOnlyCheckedExceptions() {
    Random random = new Random(4);
    int[] tags = KNOWN_TAGS.stream().mapToInt(Integer::intValue).sorted().toArray();
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = (byte) tags[random.nextInt(tags.length)];
      }
      Throwable thrown = catchThrowable(() -> encoding.decode(bytes));
      if (thrown != null) {
        assertThat(thrown).as("decode of %s", Arrays.toString(bytes)).isInstanceOfAny(IOException.class, ClassNotFoundException.class);
      }
    }
  }

  /** 44 codec bytes claiming an 8 GiB long[] are corrupt input: an IOException, not an OutOfMemoryError or a multi-GiB allocation. */
  @Test
  void decode_codecValueClaimingHugeArray_throwsIOException() throws Exception {
    // Only meaningful where 8 GiB cannot be allocated; elsewhere it would allocate it and time out.
    assumeTrue(Runtime.getRuntime().maxMemory() < 8L << 30, "heap too large to observe the failure quickly");
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new long[] {1, 2});
    }
    byte[] bytes = serialized.toByteArray();
    // The element count sits just before the two longs; claim 2^30 - 16 elements (8 GiB), within the filter's maxarray.
    ByteBuffer.wrap(bytes).putInt(bytes.length - 2 * Long.BYTES - Integer.BYTES, (1 << 30) - 16);
    byte[] hostile = new byte[1 + bytes.length];
    hostile[0] = 15;
    System.arraycopy(bytes, 0, hostile, 1, bytes.length);

    Throwable thrown = catchThrowable(() -> encoding.decode(hostile));

    assertThat(thrown).as("decode of %d hostile bytes", hostile.length).isInstanceOf(IOException.class);
  }

  /**
   * Strings in a list are decoded in place: they round-trip (a real U+FFFD included), and bytes
   * that are not UTF-8, alone or in a list, are refused rather than replaced.
   */
  @Test
  void strings_inLists_roundTrip_andMalformedUtf8IsRefused() throws Exception {
    ArrayList<Object> strings = new ArrayList<>(List.of("", "a", "é\u4e2d\ud83d\ude00", "\ufffd real replacement char", "x".repeat(1000)));
    assertThat(encoding.decode(encoding.encode(strings))).isEqualTo(strings);
    assertThat(encoding.decode(encoding.encode("\ufffd"))).isEqualTo("\ufffd");

    byte[] bad = {5, 'o', 'k', (byte) 0xC3}; // STRING, cut in the middle of a two-byte sequence
    assertThatThrownBy(() -> encoding.decode(bad)).isInstanceOf(java.nio.charset.CharacterCodingException.class);
    byte[] list = encoding.encode(new ArrayList<>(List.of("ok", "no")));
    list[list.length - 1] = (byte) 0xFF; // the last string's last byte
    assertThatThrownBy(() -> encoding.decode(list)).isInstanceOf(java.nio.charset.CharacterCodingException.class);
  }

  /** A lone surrogate, which UTF-8 cannot carry, becomes '?' (documents current, lossy behaviour; never an exception). */
  @Test
  void encodeThenDecode_loneSurrogate_becomesQuestionMark() throws Exception {
    assertThat(encoding.decode(encoding.encode("a\uD800b"))).isEqualTo("a?b");
  }
}
