package dev.ferry.registry.zookeeper;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

/**
 * What the ZooKeeper tests share: one real server per test class, a configuration whose roots
 * no other test uses, and the clients a test opened, closed after it in reverse order.
 */
abstract class ZookeeperServerTest {

    static TestingServer server;

    /** This test's configuration (roots of its own on the class's server). */
    ZookeeperRegistryConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void isolate() {
        config = ZkTestSupport.isolated(server.getConnectString());
    }

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    /** {@code c}, closed after the test. */
    <T extends AutoCloseable> T closeAfter(T c) {
        toClose.add(c);
        return c;
    }

    /** A registry on this test's roots, closed after the test. */
    ZookeeperRegistry registry() {
        return closeAfter(ZookeeperRegistry.connect(config));
    }
}
