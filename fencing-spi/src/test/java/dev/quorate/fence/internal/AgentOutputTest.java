package dev.quorate.fence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.fence.AgentMetadata;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgentException;
import dev.quorate.fence.Plug;
import dev.quorate.fence.PlugList;
import dev.quorate.fence.Secret;
import dev.quorate.lock.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AgentOutputTest {
  @Test
  void listLinesArePlugAndAlias() {
    PlugList list = ListOutput.parse("fence_x", "vm-1,node-a\n\nvm-2\n 7 , node-c \n");
    assertThat(list.supported()).isTrue();
    assertThat(list.plugs())
        .containsExactly(new Plug("vm-1", "node-a"), new Plug("vm-2", ""), new Plug("7", "node-c"));
    assertThat(list.find("node-c")).contains(new Plug("7", "node-c"));
  }

  @Test
  void notApplicableMeansNoPlugs() {
    assertThat(ListOutput.parse("fence_x", "N/A\n").supported()).isFalse();
  }

  @Test
  void aMalformedListLineIsNamedByNumber() {
    assertThatThrownBy(() -> ListOutput.parse("fence_x", "vm-1,a\n;rm -rf /,b\n"))
        .isInstanceOf(FenceAgentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining(";rm -rf /")
        .satisfies(
            e -> assertThat(((FenceAgentException) e).code()).isEqualTo(ErrorCode.CORRUPT_DATA));
    assertThatThrownBy(() -> ListOutput.parse("fence_x", "vm-1,a\nvm-1,b\n"))
        .hasMessageContaining("twice");
  }

  @Test
  void metadataIsParsed() {
    AgentMetadata m =
        MetadataXml.parse(
            "fence_x",
            "<?xml version=\"1.0\" ?><resource-agent name=\"fence_x\" shortdesc=\"X\">"
                + "<parameters><parameter name=\"ip\" required=\"1\"><content type=\"string\""
                + " default=\"h\"/><shortdesc lang=\"en\">Address</shortdesc></parameter>"
                + "</parameters><actions><action name=\"off\"/><action name=\"manpage\"/>"
                + "<action name=\"validate-all\"/></actions></resource-agent>");
    assertThat(m.agent()).isEqualTo("fence_x");
    assertThat(m.parameter("ip")).hasValueSatisfying(p -> assertThat(p.required()).isTrue());
    assertThat(m.parameter("ip").orElseThrow().defaultValue()).contains("h");
    assertThat(m.actions()).containsExactly(FenceAction.OFF, FenceAction.VALIDATE_ALL);
  }

  @Test
  void malformedOrHostileMetadataIsRefused() {
    assertThatThrownBy(() -> MetadataXml.parse("fence_x", "<resource-agent name=\"x\"><p>"))
        .isInstanceOf(FenceAgentException.class)
        .hasMessageContaining("not well-formed");
    assertThatThrownBy(() -> MetadataXml.parse("fence_x", "<other/>"))
        .hasMessageContaining("<other>");
    assertThatThrownBy(
            () ->
                MetadataXml.parse(
                    "fence_x",
                    "<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<resource-agent name=\"x\">&e;</resource-agent>"))
        .isInstanceOf(FenceAgentException.class);
  }

  @Test
  void redactorMasksEverySecretLongestFirst() {
    Redactor r = new Redactor(List.of(Secret.of("abc"), Secret.of("abcdef")));
    assertThat(r.redact("x abcdef y abc")).isEqualTo("x *** y ***");
  }
}
