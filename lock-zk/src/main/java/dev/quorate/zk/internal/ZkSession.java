package dev.quorate.zk.internal;

import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.ACL;

/**
 * What {@link ZkNodes} needs of the manager: the client and how nodes are made and waited for.
 *
 * @param client the started client
 * @param acls the ACL of every node created, or null for the client's default
 * @param owner the data of every lock node: who made it (host, process, manager)
 * @param operationTimeout the bound of a blocking call
 * @param valuedContainers the containers seen with a value block lately
 */
record ZkSession(
    CuratorFramework client,
    List<ACL> acls,
    byte[] owner,
    Duration operationTimeout,
    ValuedContainers valuedContainers) {

  /** The id of the client's current session, or 0 while there is none. */
  long currentId() {
    return CuratorClients.sessionId(client);
  }
}
