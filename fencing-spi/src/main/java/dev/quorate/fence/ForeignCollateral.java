package dev.quorate.fence;

/**
 * What a guard does when a host it would power-cycle also carries healthy members of other clusters
 * (foreign collateral, read from the {@link HostInventory}).
 *
 * <pre>{@code
 * builder.foreignCollateral(ForeignCollateral.ALLOW_IF_CLUSTERS_STAY_QUORATE);
 * }</pre>
 */
public enum ForeignCollateral {
  /** Refuse: the default. Another cluster's members are not ours to kill. */
  REFUSE,
  /**
   * Allow only if every affected cluster publishes a quorate view whose members off the host still
   * hold its threshold; refuse if any such cluster publishes no view.
   */
  ALLOW_IF_CLUSTERS_STAY_QUORATE
}
