package dev.quorate.zk.internal;

import dev.quorate.lock.Mechanism;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.ACL;

/**
 * What the public builder hands to {@link ZkLockService}.
 *
 * @param client a started Curator client
 * @param ownsClient whether closing the manager closes the client
 * @param onClose run after the manager closed, or null
 * @param root the path under which resources live
 * @param mechanism what the manager reports
 * @param acls the ACL of every node created, or null for the client's default
 * @param operationTimeout the bound of a blocking ZooKeeper call made for the user
 * @param cohorting whether EX requests of this member share one cached ZooKeeper grant
 * @param localHandoffBound local grants a cohort still makes after another member asked
 * @param member this member's name as its fencer knows it, written in the holder records of gated
 *     locks; null if not given (gated locks are then refused)
 * @param executor the threads that run the leases' steps and deliver their events, or null for a
 *     pool of the manager's own
 */
public record ServiceSettings(
    CuratorFramework client,
    boolean ownsClient,
    Runnable onClose,
    String root,
    Mechanism mechanism,
    List<ACL> acls,
    Duration operationTimeout,
    boolean cohorting,
    int localHandoffBound,
    String member,
    Executor executor) {}
