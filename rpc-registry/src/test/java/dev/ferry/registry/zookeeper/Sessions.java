package dev.ferry.registry.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Ends a client's ZooKeeper session on the server, as a session timeout would. */
final class Sessions {

    private Sessions() {
    }

    /**
     * Opens a second handle on the client's session and closes it: the server closes the
     * session (deleting its ephemeral nodes) and the client is told it expired.
     */
    static long expire(CuratorFramework client, String connectString) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        long id = zk.getSessionId();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, id, zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("could not attach to session " + Long.toHexString(id));
            }
        } finally {
            killer.close();
        }
        return id;
    }

    /** The id of the client's current session. */
    static long id(CuratorFramework client) throws Exception {
        return client.getZookeeperClient().getZooKeeper().getSessionId();
    }
}
