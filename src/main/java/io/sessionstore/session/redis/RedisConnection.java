package io.sessionstore.session.redis;

import io.netty.util.internal.InternalThreadLocalMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.redisson.Redisson;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.SubscriptionMode;
import org.redisson.connection.ConnectionListener;

/**
 * One Redisson client, made from {@link RedisSettings}, for the session store and for whatever else the application
 * keeps in the same Redis.
 *
 * <p>Every command is bounded: the settings' timeout for a connect and for an answer, and no retry. So a request
 * that finds Redis gone fails within about one timeout, not Redisson's default of half a minute, and a command is
 * never sent twice (Redisson re-sends a command whose answer timed out, and a hung Redis would then run it twice).
 * A connection on which a command timed out is closed and replaced ({@link TimedOutConnectionCloser}); a dead one is
 * found by a {@code PING} every second and connected again at most 1 s apart ({@code ConnectionBounds}). Few
 * threads and connections keep each call cheap for the server: 2 Netty threads and 8 connections per node instead of
 * Redisson's 32 and 24 to 64 ({@code ConnectionBounds}). A YAML file keeps every value it sets; only the timeout,
 * retry, ping, reconnection, thread and pool keys it leaves out get these values. The client connects lazily: a web
 * application starts while Redis is down and works as soon as Redis is back.
 *
 * <p>Thread-safe. {@link #close()} shuts the client down and waits for its threads.
 */
public final class RedisConnection implements AutoCloseable {

    private static final int RETRY_ATTEMPTS = 0;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final RedisSettings settings;
    private final RedissonClient client;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final boolean subscribesOnReplicas;
    private final RedisAvailability availability;

    private RedisConnection(RedisSettings settings, boolean subscriptionsOnly) throws IOException {
        this.settings = settings;
        this.availability = new RedisAvailability(settings);
        ConnectionBounds config = config(settings);
        if (subscriptionsOnly) {
            config.forSubscriptionsOnly();
        }
        this.subscribesOnReplicas = config.subscribesOnReplicas;
        config.setConnectionListener(new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
                listeners.forEach(listener -> listener.onConnect(address));
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                listeners.forEach(listener -> listener.onDisconnect(address));
            }
        });
        this.client = create(config, settings);
    }

    /** Redisson's client; a file's settings that Redisson refuses are refused naming the file. */
    private static RedissonClient create(Config config, RedisSettings settings) {
        try {
            return Redisson.create(config);
        } catch (IllegalArgumentException e) {
            if (settings.configFile() == null) {
                throw e;
            }
            throw new IllegalArgumentException(settings.configFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the client; connects on the first command.
     *
     * @throws IOException when the YAML file cannot be read or parsed, or names a trust store that cannot be loaded:
     *                     one line that starts with the file's path and says where in it and what
     *                     ({@link RedissonFile})
     * @throws IllegalArgumentException when the configuration is refused by Redisson (a file's, naming the file)
     */
    public static RedisConnection open(RedisSettings settings) throws IOException {
        return new RedisConnection(settings, false);
    }

    /** The client, for commands of the application's own. Prefer {@link #call} for calls on request threads. */
    public RedissonClient client() {
        return client;
    }

    /**
     * Runs a synchronous Redisson call on this thread, then releases what Netty keeps per thread. Redisson's
     * synchronous calls leave Netty's {@code InternalThreadLocalMap} on the calling thread, which Tomcat reports
     * as a leak of the web application when it stops. A call that finds Redis not answering, and the first that
     * finds it answering again, log one line each ({@link RedisAvailability}).
     *
     * @return what the call returned
     * @throws RedisException as the call threw it
     */
    public <T> T call(Supplier<T> command) {
        return call(command, false);
    }

    /** @param failureLogged whether the caller logs a failure itself: then the change to not answering gets no line */
    private <T> T call(Supplier<T> command, boolean failureLogged) {
        try {
            T result = command.get();
            availability.answered();
            return result;
        } catch (RedisException e) {
            availability.failed(e, failureLogged);
            throw e;
        } finally {
            InternalThreadLocalMap.remove();
        }
    }

    /**
     * Runs the commands {@code fill} queues as one batch, with {@code options}. A batch sends {@code EVALSHA} without
     * falling back to {@code EVAL}, and Redis forgets scripts on a restart, a failover or {@code SCRIPT FLUSH}: on
     * {@code NOSCRIPT}, {@code scripts} are loaded on every master and the batch runs once more, so the commands of a
     * batch must be safe to run twice. Call it through {@link #call} on request threads.
     *
     * @return the batch's result
     * @throws RedisException when Redis does not answer or refuses a command
     */
    public BatchResult<?> batch(BatchOptions options, Collection<String> scripts, Consumer<RBatch> fill) {
        for (int attempt = 1; ; attempt++) {
            RBatch batch = client.createBatch(options);
            fill.accept(batch);
            try {
                return batch.execute();
            } catch (RedisException e) {
                if (attempt > 1 || !String.valueOf(e.getMessage()).contains("NOSCRIPT")) {
                    throw e;
                }
                RScript loader = client.getScript(ByteArrayCodec.INSTANCE);
                scripts.forEach(loader::scriptLoad);
            }
        }
    }

    /**
     * Another client of the same settings for a Redis Cluster's subscriptions only, its own to close: for
     * subscriptions that may have to be made afresh (see {@link RedisInvalidationFeed}). It keeps few threads and
     * connections, and starts while a shard has no master.
     *
     * @throws IOException when the YAML file cannot be read or parsed any more
     */
    RedisConnection forSubscriptions() throws IOException {
        return new RedisConnection(settings, true);
    }

    /**
     * Whether Redis takes a first command as the session store's are: a script reading {@code key}, so that an ACL
     * that forbids scripts or keys of the prefix is found too. Empty when it does, else the one line that says why
     * not and what to change ({@link RedisRefusal}), for the caller to log; the line when Redis answers again comes
     * from {@link #call}. One round trip; never throws.
     *
     * @param key a key under the application's prefix; only read
     */
    public Optional<String> refusal(String key) {
        try {
            // READ_WRITE, as the store's scripts: Redisson sends a read-only script as EVAL_RO, another ACL command.
            call(() -> client.getScript(StringCodec.INSTANCE).eval(key, RScript.Mode.READ_WRITE,
                    "return redis.call('EXISTS', KEYS[1])", RScript.ReturnType.INTEGER, List.of(key)), true);
            return Optional.empty();
        } catch (RedisException e) {
            return Optional.of(RedisRefusal.describe(settings, e));
        }
    }

    /**
     * Whether {@code failure} is Redis not answering (a lost connection, a timeout, a shard without a master), which
     * {@link #call} reports once per change, rather than an answer refusing the command.
     */
    public static boolean unanswered(Throwable failure) {
        return RedisAvailability.unavailable(failure);
    }

    /** How long a command may take to answer. */
    Duration timeout() {
        return settings.timeout();
    }

    /** Whether the client talks to a Redis Cluster, where the session store announces its changes sharded. */
    boolean cluster() {
        return client.getConfig().isClusterConfig();
    }

    /**
     * Whether subscriptions are made on replicas ({@code subscriptionMode: SLAVE} in the YAML file): then
     * {@code PUBLISH} and {@code SPUBLISH}, run on a master, do not count the subscribers they reached.
     */
    boolean subscribesOnReplicas() {
        return subscribesOnReplicas;
    }

    /** Told of every connection made and lost, from Redisson's threads. */
    void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Shuts the client down and waits up to 5 s for its threads. Never throws. */
    @Override
    public void close() {
        try {
            // Wait for Redisson's threads, or Tomcat reports them as leaked by the web application.
            client.shutdown(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            // Waiting on Netty's futures, here and in the unsubscribing before, leaves its map on this thread too.
            InternalThreadLocalMap.remove();
        }
    }

    static ConnectionBounds config(RedisSettings settings) throws IOException {
        ConnectionBounds config;
        if (settings.configFile() != null) {
            RedissonFile file = RedissonFile.read(settings.configFile());
            config = new ConnectionBounds(file.config(), file.keys());
            config.boundFileServers(settings);
        } else {
            config = new ConnectionBounds(fromUrl(settings), Set.of());
        }
        config.setLazyInitialization(true);
        config.setUseScriptCache(true);
        config.setNettyHook(new TimedOutConnectionCloser(config.connectTimeoutMillis()));
        return config;
    }

    /**
     * How fast a dead connection is noticed and a new one made, unless the YAML file set its own: a {@code PING}
     * every second on each idle connection, the subscription's included (Redisson closes one whose {@code PING} is
     * not answered within the interval, and subscribes again on the new one), so a silent partition costs the near
     * cache its feed within about 2 s instead of Redisson's default of 30 to 60 s; and reconnection attempts at
     * most 1 s apart (Redisson's default backs off to 10 s), so a node is back within about 1 s of the network
     * healing; and a Redis Cluster's topology read every second (Redisson's default: 5 s), so that subscriptions to
     * sharded channels whose slot moved are found unsubscribed within about 1 s. Redisson shows a loaded
     * configuration's server settings to its subclasses only.
     *
     * <p>And what a Redis call costs the server, unless the file set its own: 2 Netty threads
     * ({@code nettyThreads}; Redisson's default is 32) and a pool of 8 connections per Redis node
     * ({@code connectionPoolSize}, {@code masterConnectionPoolSize}, {@code slaveConnectionPoolSize}, all kept open;
     * Redisson's default is 24 to 64). A synchronous call wakes a Netty thread to send and another to read the
     * answer; with 32 threads and 64 connections nearly every call wakes threads of its own, with 2 threads and 8
     * connections one wake-up serves several calls, and a call that waits for a connection is sent by the Netty
     * thread that freed it. With 16 request threads on the session load path, this cost the server 46 µs of CPU per
     * call instead of 62 µs (medians of one run on 2 busy cores; 64 threads: 39 instead of 69 µs, and no timeouts),
     * at 40 % more calls per second; 24 connections cost more, 4 as much ({@code src/bench/redis-calls.sh}, README's
     * "Cost of one Redis call"). A pool of 8 still keeps 8 calls in flight per node: at 0.5 ms round trip, about
     * 16,000 calls per second.
     */
    static final class ConnectionBounds extends Config {
        private static final int PING_INTERVAL_MILLIS = 1_000;
        private static final int SCAN_INTERVAL_MILLIS = 1_000;
        private static final int NETTY_THREADS = 2;
        private static final int POOL_SIZE = 8;

        private final boolean subscribesOnReplicas;
        /** The keys a Redisson file set at its top level and in its server sections, whose values win. */
        private final Set<String> keysSet;

        /**
         * A cluster client for subscriptions only: two threads of each kind, one idle connection per node, and no
         * check that every slot has a master (which fails the start of a client while a shard fails over; a channel
         * of that shard fails to subscribe instead).
         */
        void forSubscriptionsOnly() {
            setThreads(2);
            setNettyThreads(2);
            ClusterServersConfig cluster = getClusterServersConfig();
            if (cluster != null) {
                cluster.setCheckSlotsCoverage(false);
                cluster.setMasterConnectionMinimumIdleSize(1);
                cluster.setMasterConnectionPoolSize(2);
                cluster.setSlaveConnectionMinimumIdleSize(1);
                cluster.setSlaveConnectionPoolSize(2);
            }
        }

        ConnectionBounds(Config loaded, Set<String> keysSet) {
            super(loaded);
            this.keysSet = keysSet;
            subscribesOnReplicas = Stream.of(getClusterServersConfig(), getSentinelServersConfig(),
                            getReplicatedServersConfig(), getMasterSlaveServersConfig())
                    .anyMatch(servers -> servers != null && servers.getSubscriptionMode() == SubscriptionMode.SLAVE);
            for (BaseConfig<?> servers : servers()) {
                if (!keysSet.contains("pingConnectionInterval")) {
                    servers.setPingConnectionInterval(PING_INTERVAL_MILLIS);
                }
                if (!keysSet.contains("reconnectionDelay")) {
                    servers.setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofSeconds(1)));
                }
            }
            if (getClusterServersConfig() != null && !keysSet.contains("scanInterval")) {
                getClusterServersConfig().setScanInterval(SCAN_INTERVAL_MILLIS);
            }
            if (!keysSet.contains("nettyThreads")) {
                setNettyThreads(NETTY_THREADS);
            }
            if (getSingleServerConfig() != null) {
                SingleServerConfig server = getSingleServerConfig();
                sizePool("connectionPoolSize", server::getConnectionPoolSize, server::setConnectionPoolSize,
                        "connectionMinimumIdleSize", server::getConnectionMinimumIdleSize,
                        server::setConnectionMinimumIdleSize);
            }
            for (BaseMasterSlaveServersConfig<?> servers : Stream.of(getClusterServersConfig(),
                            getSentinelServersConfig(), getReplicatedServersConfig(), getMasterSlaveServersConfig())
                    .filter(Objects::nonNull).toList()) {
                sizePool("masterConnectionPoolSize", servers::getMasterConnectionPoolSize,
                        servers::setMasterConnectionPoolSize, "masterConnectionMinimumIdleSize",
                        servers::getMasterConnectionMinimumIdleSize, servers::setMasterConnectionMinimumIdleSize);
                sizePool("slaveConnectionPoolSize", servers::getSlaveConnectionPoolSize,
                        servers::setSlaveConnectionPoolSize, "slaveConnectionMinimumIdleSize",
                        servers::getSlaveConnectionMinimumIdleSize, servers::setSlaveConnectionMinimumIdleSize);
            }
        }

        /**
         * A pool of {@link #POOL_SIZE} connections, all kept open, where the file left its size and its minimum
         * out; one the file sized in part stays valid (Redisson refuses a minimum above the size): a size of the
         * file's caps the minimum, a minimum of the file's raises the size.
         */
        private void sizePool(String sizeKey, IntSupplier size, IntConsumer setSize,
                              String minimumKey, IntSupplier minimum, IntConsumer setMinimum) {
            if (!keysSet.contains(sizeKey)) {
                setSize.accept(keysSet.contains(minimumKey) ? Math.max(POOL_SIZE, minimum.getAsInt()) : POOL_SIZE);
            }
            if (!keysSet.contains(minimumKey)) {
                setMinimum.accept(Math.min(POOL_SIZE, size.getAsInt()));
            }
        }

        /**
         * A Redisson file's servers: the settings' timeout and no retry where the file leaves them out, and its
         * trust store loaded once ({@link LoadedTruststore}).
         *
         * @throws IOException naming the file when its trust store cannot be loaded
         */
        void boundFileServers(RedisSettings settings) throws IOException {
            int timeoutMillis = (int) settings.timeout().toMillis();
            for (BaseConfig<?> servers : servers()) {
                if (!keysSet.contains("connectTimeout")) {
                    servers.setConnectTimeout(timeoutMillis);
                }
                if (!keysSet.contains("timeout")) {
                    servers.setTimeout(timeoutMillis);
                }
                if (!keysSet.contains("retryAttempts")) {
                    servers.setRetryAttempts(RETRY_ATTEMPTS);
                }
                LoadedTruststore.into(servers, settings.configFile());
            }
        }

        /** The connect timeout of the (first) server section: the settings' or the file's own. */
        int connectTimeoutMillis() {
            return servers().get(0).getConnectTimeout();
        }

        /** The server sections set: one, unless a file has several, which Redisson refuses at start. */
        private List<BaseConfig<?>> servers() {
            return Stream.<BaseConfig<?>>of(getSingleServerConfig(), getClusterServersConfig(),
                    getSentinelServersConfig(), getReplicatedServersConfig(), getMasterSlaveServersConfig())
                    .filter(Objects::nonNull).toList();
        }
    }

    private static Config fromUrl(RedisSettings settings) {
        URI uri = RedisSettings.uri(settings.url());
        int timeoutMillis = (int) settings.timeout().toMillis();
        Config config = new Config();
        SingleServerConfig server = config.useSingleServer()
                .setAddress(uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()))
                .setConnectTimeout(timeoutMillis)
                .setTimeout(timeoutMillis)
                .setRetryAttempts(RETRY_ATTEMPTS);
        if (settings.password() != null) {
            server.setPassword(settings.password());
        }
        if (settings.user() != null) {
            server.setUsername(settings.user());
        }
        server.setDatabase(RedisSettings.database(uri));
        return config;
    }

}
