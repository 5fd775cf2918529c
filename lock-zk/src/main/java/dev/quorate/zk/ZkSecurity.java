package dev.quorate.zk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may touch the lock nodes, and how the client proves who it is. With any identity configured,
 * every node the manager creates gets an ACL that grants those identities everything and the world
 * nothing; without, nodes are open (ZooKeeper's default). TLS and other ZooKeeper client settings
 * are passed through unchanged.
 *
 * <pre>{@code
 * ZkSecurity security = ZkSecurity.builder()
 *     .digest("quorate", secret)                       // authenticate, and grant this identity
 *     .grant("x509", "CN=node-b,O=example")            // and another member's certificate
 *     .tls(keyStore, keyStorePassword, trustStore, trustStorePassword)
 *     .build();
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} never shows a password.
 */
public final class ZkSecurity {
  private static final ZkSecurity NONE = builder().build();

  private final String digestUser;
  private final String digestPassword;
  private final List<String[]> grants;
  private final Map<String, String> clientProperties;

  private ZkSecurity(Builder builder) {
    this.digestUser = builder.digestUser;
    this.digestPassword = builder.digestPassword;
    this.grants = List.copyOf(builder.grants);
    this.clientProperties = Map.copyOf(builder.clientProperties);
  }

  /**
   * Returns the setting without authentication: open nodes, plain connections.
   *
   * @return the open setting
   */
  public static ZkSecurity none() {
    return NONE;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  String digestUser() {
    return digestUser;
  }

  String digestPassword() {
    return digestPassword;
  }

  List<String[]> grants() {
    return grants;
  }

  Map<String, String> clientProperties() {
    return clientProperties;
  }

  boolean restrictsAccess() {
    return digestUser != null || !grants.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("ZkSecurity[");
    if (digestUser != null) {
      out.append("digest=").append(digestUser).append(":****, ");
    }
    for (String[] grant : grants) {
      out.append("grant=").append(grant[0]).append(':').append(grant[1]).append(", ");
    }
    clientProperties.forEach(
        (key, value) ->
            out.append(key)
                .append('=')
                .append(
                    key.toLowerCase(java.util.Locale.ROOT).contains("password") ? "****" : value)
                .append(", "));
    return out.append(']').toString();
  }

  /** Builds {@link ZkSecurity}. Not thread-safe. */
  public static final class Builder {
    private String digestUser;
    private String digestPassword;
    private final List<String[]> grants = new ArrayList<>();
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Authenticates with ZooKeeper's digest scheme and grants this identity all rights.
     *
     * @param user the user name, without ':'
     * @param password the password
     * @return this builder
     * @throws IllegalArgumentException if the user is empty or contains ':'
     */
    public Builder digest(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (user.isEmpty() || user.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "digest user must be non-empty and without ':', got '" + user + "'");
      }
      this.digestUser = user;
      this.digestPassword = password;
      return this;
    }

    /**
     * Grants all rights on the lock nodes to one more identity, for example another member.
     *
     * @param scheme the ZooKeeper scheme: {@code x509} (certificate DN), {@code sasl} (Kerberos or
     *     SASL principal), {@code digest} ({@code user:base64(sha1(user:password))}) or {@code ip}
     * @param id the identity in that scheme
     * @return this builder
     * @throws IllegalArgumentException if the scheme is {@code world} or either part is empty
     */
    public Builder grant(String scheme, String id) {
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(id, "id");
      if (scheme.isEmpty() || id.isEmpty() || scheme.equals("world")) {
        throw new IllegalArgumentException(
            "grant needs a scheme (x509, sasl, digest, ip) and an id, got '"
                + scheme
                + "':'"
                + id
                + "'");
      }
      grants.add(new String[] {scheme, id});
      return this;
    }

    /**
     * Sets one ZooKeeper client property (a {@code ZKClientConfig} key), passed through as is.
     *
     * @param key the property, for example {@code zookeeper.ssl.hostnameVerification}
     * @param value its value
     * @return this builder
     */
    public Builder clientProperty(String key, String value) {
      clientProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value));
      return this;
    }

    /**
     * Connects over TLS with the given key and trust stores (ZooKeeper's Netty client).
     *
     * @param keyStore the client's key store
     * @param keyStorePassword its password
     * @param trustStore the trust store with the servers' CA
     * @param trustStorePassword its password
     * @return this builder
     */
    public Builder tls(
        Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
      clientProperty("zookeeper.client.secure", "true");
      clientProperty("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
      clientProperty("zookeeper.ssl.keyStore.location", keyStore.toString());
      clientProperty("zookeeper.ssl.keyStore.password", keyStorePassword);
      clientProperty("zookeeper.ssl.trustStore.location", trustStore.toString());
      clientProperty("zookeeper.ssl.trustStore.password", trustStorePassword);
      return this;
    }

    /**
     * Builds the setting.
     *
     * @return an immutable setting
     */
    public ZkSecurity build() {
      return new ZkSecurity(this);
    }
  }
}
