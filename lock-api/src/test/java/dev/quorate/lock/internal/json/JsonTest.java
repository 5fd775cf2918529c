package dev.quorate.lock.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JSON that QMP sends and receives, fence histories hold and the quorate command prints. */
@Timeout(10)
class JsonTest {
  @Test
  void aQmpGreetingParses() {
    Object greeting =
        Json.parse(
            "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
                + " \"package\": \"Debian 1:7.2\"}, \"capabilities\": [\"oob\"]}}");
    assertThat(greeting)
        .isEqualTo(
            Map.of(
                "QMP",
                Map.of(
                    "version",
                    Map.of(
                        "qemu",
                        Map.of("micro", 22L, "minor", 2L, "major", 7L),
                        "package",
                        "Debian 1:7.2"),
                    "capabilities",
                    List.of("oob"))));
  }

  @Test
  void writtenTextParsesBackToTheSameValue() {
    Map<String, Object> command = new LinkedHashMap<>();
    command.put("execute", "migrate");
    command.put("arguments", Map.of("uri", "unix:/tmp/a \"b\"\\\n"));
    command.put("list", List.of(1L, 2.5, true, false));
    command.put("none", null);
    assertThat(Json.parse(Json.write(command))).isEqualTo(command);
  }

  @Test
  void writesMapsInOrderListsAndScalars() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", List.of(true, "x"));
    m.put("n", null);

    assertThat(Json.write(m)).isEqualTo("{\"b\":1,\"a\":[true,\"x\"],\"n\":null}");
    assertThat(Json.write(Json.object("z", 1, "y", List.of()))).isEqualTo("{\"z\":1,\"y\":[]}");
  }

  @Test
  void escapesQuotesAndControlsAndForPagesAlsoMarkup() {
    List<String> text = Arrays.asList("a\"b\\c\n\u0001</script>&\u2028\u00e9");

    assertThat(Json.write(text)).isEqualTo("[\"a\\\"b\\\\c\\n\\u0001</script>&\u2028\u00e9\"]");
    assertThat(Json.writeForPages(text))
        .isEqualTo("[\"a\\\"b\\\\c\\n\\u0001\\u003c/script\\u003e\\u0026\\u2028\u00e9\"]");
    assertThat(Json.parse(Json.writeForPages(text))).isEqualTo(text);
  }

  @Test
  void anObjectWithAMissingValueOrAKeyThatIsNoStringIsRefused() {
    assertThatThrownBy(() -> Json.object("a", 1, "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the last key, b, has none");
    assertThatThrownBy(() -> Json.object(1, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 1 at position 0");
    assertThatThrownBy(() -> Json.write(List.of(new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no JSON form for java.lang.Object");
  }

  @Test
  void malformedTextIsRefusedWithItsOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\": tru}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 6");
    assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("trailing text");
  }
}
