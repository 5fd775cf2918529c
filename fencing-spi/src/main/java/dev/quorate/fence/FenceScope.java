package dev.quorate.fence;

/**
 * What a fence device cuts when it acts: one virtual machine, or a whole physical host with every
 * member on it. The guard prefers the narrowest scope, and at most one host-level fence runs at a
 * time.
 *
 * <pre>{@code
 * FenceDevice ipmi = FenceDevice.builder("ipmi-h1", "fence_ipmilan").scope(FenceScope.HOST).build();
 * }</pre>
 */
public enum FenceScope {
  /** The device fences one virtual machine through its hypervisor. */
  VM,
  /** The device power-cycles a physical host, and so every member that runs on it. */
  HOST
}
