package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data of lock nodes: the owner, and the token a conversion's lease keeps or supersedes. */
@Timeout(10)
class LockNodeDataTest {
  private static final byte[] OWNER = "host/42/uuid".getBytes(StandardCharsets.UTF_8);

  @Test
  void aRequestsNodeHoldsItsOwnerAndItsTokenIsItsCzxid() {
    LockNodeData data = LockNodeData.parse("/l/r/EX-0000000001", OWNER);
    assertThat(data.owner()).isEqualTo("host/42/uuid");
    assertThat(data.leaseToken(90)).isEqualTo(90);
    assertThat(data.supersedes()).isZero();
  }

  @Test
  void aDownConversionsNodeReportsTheTokenItsLeaseKeeps() {
    LockNodeData data =
        LockNodeData.parse("/l/r/PR+0000000001-0000000002", LockNodeData.keeping(OWNER, 17));
    assertThat(data.owner()).isEqualTo("host/42/uuid");
    assertThat(data.leaseToken(90)).isEqualTo(17);
  }

  @Test
  void anUpConversionsNodeNamesTheTokenItSupersedes() {
    LockNodeData data =
        LockNodeData.parse("/l/r/EX+0000000001-0000000002", LockNodeData.superseding(OWNER, 17));
    assertThat(data.leaseToken(90)).isEqualTo(90);
    assertThat(data.supersedes()).isEqualTo(17);
  }

  @Test
  void aTokenLineThatIsNotANumberIsCorruptDataNamingTheNode() {
    byte[] corrupt = "host/42/uuid\nkept=x17".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LockNodeData.parse("/l/r/PR+0000000001-0000000002", corrupt))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("/l/r/PR+0000000001-0000000002")
        .hasMessageContaining("kept=x17")
        .satisfies(
            e -> assertThat(((QuorateException) e).code()).isEqualTo(ErrorCode.CORRUPT_DATA));
  }
}
