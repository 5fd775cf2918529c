package dev.quorate.samples.docs;

import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.Secret;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The examples of docs/security.md; {@code SecurityExamplesTest} checks what they promise. */
final class SecurityExamples {
  private SecurityExamples() {}

  /** Certificates for transport and identity; the members' subjects in every node's ACL. */
  static ZkLockManager tlsWithCertificates(String keyStorePassword, String trustStorePassword)
      throws InterruptedException {
    ZkSecurity security =
        ZkSecurity.builder()
            .grant("x509", "CN=node-a,OU=cluster,O=example")
            .grant("x509", "CN=node-b,OU=cluster,O=example")
            .grant("x509", "CN=node-c,OU=cluster,O=example")
            .tls(
                Path.of("/etc/quorate/tls/node-a.p12"),
                keyStorePassword,
                Path.of("/etc/quorate/tls/cluster-ca.p12"),
                trustStorePassword)
            .clientProperty("zookeeper.ssl.keyStore.type", "PKCS12")
            .clientProperty("zookeeper.ssl.trustStore.type", "PKCS12")
            .build();
    ZkLockManager locks =
        ZkLockManager.builder()
            .connectString("zk1:2281,zk2:2281,zk3:2281") // the servers' secureClientPort
            .security(security)
            .build();
    return locks;
  }

  /** A fence device's password from systemd's credential directory. */
  static FenceDevice ipmiWithCredential() throws IOException {
    Secret ipmiPassword =
        Secret.of(
            Files.readString(Path.of(System.getenv("CREDENTIALS_DIRECTORY"), "ipmi-hv-1")).strip());
    FenceDevice ipmi =
        FenceDevice.builder("ipmi-hv-1", "fence_ipmilan")
            .scope(FenceScope.HOST)
            .hosts("hv-1")
            .option("ip", "10.0.0.11")
            .option("username", "fence")
            .secret(
                "password", ipmiPassword) // to the agent's stdin only; toString shows Secret[***]
            .build();
    return ipmi;
  }
}
