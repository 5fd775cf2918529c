package dev.quorate.vm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JSON that QMP sends and receives. */
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
  void malformedTextIsRefusedWithItsOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\": tru}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 6");
    assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("trailing text");
  }
}
