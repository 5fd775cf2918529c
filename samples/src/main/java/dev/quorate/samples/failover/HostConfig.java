package dev.quorate.samples.failover;

import dev.quorate.quorum.MemberId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one host's cluster manager is told at start.
 *
 * @param host this host's name, which is also its member name (physical/physical: the cluster
 *     members are the hosts)
 * @param id this host's member id, also its quorum disk slot
 * @param work the demo's working directory
 * @param zk the lock server's connect string
 * @param nbd the NBD server with the VMs' disks, {@code <address>:<port>}
 * @param guest the directory of the guest image ({@link DemoGuest#locate})
 * @param vms every VM of the cluster
 * @param members every member's name and id
 * @param preferred the host that gets a fence delay (it should win a fence race)
 */
record HostConfig(
    String host,
    int id,
    Path work,
    String zk,
    String nbd,
    String guest,
    List<String> vms,
    Map<String, Integer> members,
    String preferred) {

  HostConfig {
    vms = List.copyOf(vms);
    members = Map.copyOf(members);
  }

  static HostConfig parse(String[] args) {
    Args a = Args.parse("HostAgent", args);
    Map<String, Integer> members = new LinkedHashMap<>();
    for (String entry : a.get("members").split(",")) {
      String[] nameAndId = entry.split("=");
      members.put(nameAndId[0], Integer.parseInt(nameAndId[1]));
    }
    return new HostConfig(
        a.get("host"),
        a.getInt("id"),
        Path.of(a.get("work")),
        a.get("zk"),
        a.get("nbd"),
        a.get("guest"),
        List.of(a.get("vms").split(",")),
        members,
        a.get("preferred"));
  }

  List<String> toArgs() {
    List<String> entries = new ArrayList<>();
    members.forEach((name, memberId) -> entries.add(name + "=" + memberId));
    return List.of(
        "--host", host,
        "--id", Integer.toString(id),
        "--work", work.toString(),
        "--zk", zk,
        "--nbd", nbd,
        "--guest", guest,
        "--vms", String.join(",", vms),
        "--members", String.join(",", entries.stream().sorted().toList()),
        "--preferred", preferred);
  }

  /** Returns the name of the member with this id. */
  Optional<String> nameOf(MemberId memberId) {
    return members.entrySet().stream()
        .filter(e -> e.getValue() == memberId.value())
        .map(Map.Entry::getKey)
        .findFirst();
  }

  MemberId self() {
    return MemberId.of(id);
  }
}
