package dev.quorate.fence.internal;

import dev.quorate.fence.HostInventory;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Placement;
import dev.quorate.fence.PlacementSource;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement and the host inventory as one decision reads them: each at most once, so that every
 * rule of the decision, and the comparison a recheck makes with the first decision, judge the same
 * view. A read that fails is remembered and thrown again, never retried within the decision: a
 * source that answers differently twice in one decision would let two rules see two worlds.
 */
final class DecisionReads {
  private static final Logger log = LoggerFactory.getLogger(DecisionReads.class);

  private final PlacementSource placementSource;
  private final HostInventory inventory;
  private Placement placement;
  private RuntimeException placementFailure;
  private InventoryView view;
  private RuntimeException inventoryFailure;

  DecisionReads(PlacementSource placementSource, HostInventory inventory) {
    this.placementSource = placementSource;
    this.inventory = inventory;
  }

  /** The placement; throws what the source threw (or a null answer as an exception). */
  Placement placement() {
    if (placement == null && placementFailure == null) {
      try {
        placement = Objects.requireNonNull(placementSource.read(), "the placement read is null");
      } catch (RuntimeException e) {
        placementFailure = e;
      }
    }
    if (placementFailure != null) {
      throw placementFailure;
    }
    return placement;
  }

  /** The placement, or empty (with a warning naming the source) if it cannot be read. */
  Optional<Placement> placementIfReadable() {
    try {
      return Optional.of(placement());
    } catch (RuntimeException e) {
      log.warn(
          "placement source {} cannot be read ({}); the storm brake counts the topology's hosts",
          placementSource.name(),
          e.toString());
      return Optional.empty();
    }
  }

  /** The inventory view; throws what the inventory threw (or a null answer as an exception). */
  InventoryView inventory() {
    if (inventory == null) {
      throw new IllegalStateException("no host inventory is configured");
    }
    if (view == null && inventoryFailure == null) {
      try {
        view = Objects.requireNonNull(inventory.read(), "the host inventory returned nothing");
      } catch (RuntimeException e) {
        inventoryFailure = e;
      }
    }
    if (inventoryFailure != null) {
      throw inventoryFailure;
    }
    return view;
  }

  /** The inventory view, or empty if none is configured or it cannot be read. */
  Optional<InventoryView> inventoryIfReadable() {
    if (inventory == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(inventory());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  String placementName() {
    return placementSource.name();
  }
}
