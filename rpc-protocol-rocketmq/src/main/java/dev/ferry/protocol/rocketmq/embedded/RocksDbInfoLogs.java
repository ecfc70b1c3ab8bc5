package dev.ferry.protocol.rocketmq.embedded;

import org.apache.rocketmq.common.config.ConfigHelper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Cleans up the one file an embedded broker writes outside its store directory.
 *
 * <p>RocketMQ 5.4.0's {@code DefaultMessageStore} always opens a RocksDB database
 * ({@code MessageRocksDBStorage}, under {@code <store>/rocksdbstore}), and RocketMQ points
 * RocksDB's info log at {@code ConfigHelper.getDBLogDir()}: {@code ~/logs/rocketmqlogs} (else
 * {@code java.io.tmpdir}/logs/rocketmqlogs, else /data/logs/rocketmqlogs), creating it. RocksDB
 * names the file after the database path ({@code tmp_ferry-rocketmq-123_broker-…_store_rocksdbstore_LOG},
 * plus {@code …_LOG.old.<time>} on a reopen), so the instance's unique temporary directory name
 * identifies its files.
 */
final class RocksDbInfoLogs {

    private RocksDbInfoLogs() {
    }

    private static Path userLogs() {
        return Paths.get(System.getProperty("user.home"), "logs");
    }

    /** Whether {@code ~/logs} and {@code ~/logs/rocketmqlogs} exist, before a broker starts. */
    static boolean[] existingUserLogDirs() {
        Path logs = userLogs();
        return new boolean[] {Files.exists(logs), Files.exists(logs.resolve("rocketmqlogs"))};
    }

    /**
     * Deletes the info logs of the databases under {@code storeRoot}, then {@code ~/logs/rocketmqlogs}
     * and {@code ~/logs} if they did not exist before and are empty now. Best effort.
     */
    static void delete(Path storeRoot, boolean[] existedBefore) {
        String marker = storeRoot.getFileName().toString(); // e.g. ferry-rocketmq-1234567890
        Path dir;
        try {
            dir = Paths.get(ConfigHelper.getDBLogDir());
        } catch (RuntimeException e) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + marker + "*")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.err.println("EmbeddedRocketMq: could not delete RocksDB logs in " + dir + ": " + e);
        }
        Path logs = userLogs();
        if (existedBefore != null && dir.equals(logs.resolve("rocketmqlogs"))) {
            if (!existedBefore[1]) {
                deleteIfEmpty(dir);
            }
            if (!existedBefore[0]) {
                deleteIfEmpty(logs);
            }
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmptyOrBusy) {
            // another instance (or anything else) still uses it
        }
    }
}
