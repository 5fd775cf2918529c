/**
 * Node fencing (STONITH) for clusters of virtual machines: fence agents, levels, delays, the guard
 * that decides every fence before it runs, and the fence history.
 *
 * <p>Start with {@link dev.quorate.fence.Fencer}: describe each device with a {@link
 * dev.quorate.fence.FenceDevice}, give each target its ordered {@link
 * dev.quorate.fence.FenceLevel}s in a {@link dev.quorate.fence.FenceTopology}, find agents with
 * {@link dev.quorate.fence.FenceAgents} (any fence-agents program works through its stdin
 * protocol), and pass a {@link dev.quorate.fence.FenceGuard} that refuses what would cost quorum:
 * the {@link dev.quorate.fence.TopologyFenceGuard} knows which members share a physical host.
 * Passwords are {@link dev.quorate.fence.Secret}s: they reach the agent on stdin only and are
 * redacted everywhere else.
 *
 * <pre>{@code
 * FenceDevice virsh =
 *     FenceDevice.builder("virsh-h1", "fence_virsh")
 *         .option("ip", "h1.example.net")
 *         .option("username", "fence")
 *         .secret("password", Secret.of(password))
 *         .plugs(PlugMapping.hostMap(Map.of("node-a", "vm-a")))
 *         .build();
 * FenceTopology topology =
 *     FenceTopology.builder().device(virsh).level("node-a", FenceLevel.of(1, "virsh-h1")).build();
 * Fencer fencer = Fencer.builder(topology, FenceAgents.load(), guard).build();
 * FenceResult result = fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost"));
 * }</pre>
 */
package dev.quorate.fence;
