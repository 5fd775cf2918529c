package dev.quorate.fence;

import java.util.List;
import java.util.Objects;

/**
 * What the fencer is about to do, shown to the {@link FenceGuard} before any agent of the level
 * runs: the request, the level, and the devices with their scopes.
 *
 * <pre>{@code
 * if (proposal.scope() == FenceScope.HOST) {
 *   // check that the survivors keep quorum without the host's members
 * }
 * }</pre>
 *
 * @param request the fence request
 * @param level the level about to run
 * @param devices the level's devices, in the level's order
 */
public record FenceProposal(FenceRequest request, FenceLevel level, List<FenceDevice> devices) {
  /**
   * Copies the device list.
   *
   * @param request the request
   * @param level the level
   * @param devices the devices
   */
  public FenceProposal {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(level, "level");
    devices = List.copyOf(devices);
  }

  /**
   * Returns the widest scope among the level's devices.
   *
   * @return HOST if any device power-cycles a host, else VM
   */
  public FenceScope scope() {
    return devices.stream().anyMatch(d -> d.scope() == FenceScope.HOST)
        ? FenceScope.HOST
        : FenceScope.VM;
  }
}
