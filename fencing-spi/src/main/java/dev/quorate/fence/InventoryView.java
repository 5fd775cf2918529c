package dev.quorate.fence;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One read of the shared {@link HostInventory}: every occupant of every host, every cluster's
 * published quorum view, and when it was read on the guard's monotonic clock.
 *
 * <pre>{@code
 * InventoryView view = inventory.read();
 * view.occupantsOn(Set.of("appliance")).forEach(o -> System.out.println(o.describe()));
 * }</pre>
 *
 * @param occupants every published occupant
 * @param clusters each cluster's quorum view, as its quorate members publish it; a cluster that
 *     publishes none has no entry
 * @param readNanos when it was read, on the guard's monotonic clock
 */
public record InventoryView(
    List<Occupant> occupants, Map<String, ClusterView> clusters, long readNanos) {
  /**
   * Copies.
   *
   * @param occupants the occupants
   * @param clusters cluster name to view
   * @param readNanos the read time
   */
  public InventoryView {
    occupants = List.copyOf(occupants);
    clusters = Map.copyOf(clusters);
  }

  /**
   * Creates a view from a list of cluster views.
   *
   * @param occupants the occupants
   * @param clusters the cluster views
   * @param readNanos the read time
   * @return the view
   */
  public static InventoryView of(
      List<Occupant> occupants, List<ClusterView> clusters, long readNanos) {
    return new InventoryView(
        occupants,
        clusters.stream().collect(Collectors.toMap(ClusterView::cluster, Function.identity())),
        readNanos);
  }

  /**
   * Returns the occupants of the given hosts.
   *
   * @param hosts host names
   * @return their occupants, in inventory order
   */
  public List<Occupant> occupantsOn(java.util.Collection<String> hosts) {
    return occupants.stream().filter(o -> hosts.contains(o.host())).toList();
  }

  /**
   * Returns a cluster's published quorum view.
   *
   * @param cluster the cluster name
   * @return its view, or empty if none of its members publishes one
   */
  public Optional<ClusterView> cluster(String cluster) {
    return Optional.ofNullable(clusters.get(cluster));
  }
}
