package io.sessionstore.testing;

import java.util.List;

/**
 * How the test servers that replicate ({@link RedisSentinelGroup}, {@link RedisClusterNodes}) sync, sharing one
 * folder: a replica's full sync goes to a file of the server's own (Redis writes it, renames it and loads it, so
 * servers sharing one name could load each other's), which is deleted once loaded, so that a restarted server starts
 * empty as it would without persistence; and the sync starts at once instead of after Redis's default 5 s wait for
 * more replicas ({@code repl-diskless-sync-delay}).
 */
final class ReplicaSync {

    private ReplicaSync() {
    }

    /** The {@code redis-server} options for the server on {@code port}. */
    static List<String> options(int port) {
        return List.of("--dbfilename", "sync-" + port + ".rdb", "--rdb-del-sync-files", "yes",
                "--repl-diskless-sync-delay", "0");
    }
}
