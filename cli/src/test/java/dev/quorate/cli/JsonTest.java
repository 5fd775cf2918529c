package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JsonTest {
  @Test
  void writesMapsInOrderListsAndScalars() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", List.of(true, "x"));
    m.put("n", null);

    assertThat(Json.write(m)).isEqualTo("{\"b\":1,\"a\":[true,\"x\"],\"n\":null}");
  }

  @Test
  void escapesQuotesControlsAndMarkup() {
    assertThat(Json.write(Arrays.asList("a\"b\\c\n\u0001</script>&")))
        .isEqualTo("[\"a\\\"b\\\\c\\n\\u0001\\u003c/script\\u003e\\u0026\"]");
  }
}
