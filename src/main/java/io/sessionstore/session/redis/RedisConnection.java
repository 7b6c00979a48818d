package io.sessionstore.session.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.netty.util.internal.InternalThreadLocalMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.redisson.connection.ConnectionListener;

/**
 * One Redisson client, made from {@link RedisSettings}, for the session store and for whatever else the application
 * keeps in the same Redis.
 *
 * <p>Every command is bounded: the settings' timeout for a connect and for an answer, and no retry. So a request
 * that finds Redis gone fails within about one timeout, not Redisson's default of half a minute, and a command is
 * never sent twice (Redisson re-sends a command whose answer timed out, and a hung Redis would then run it twice).
 * A YAML file keeps every value it sets; only the timeout and retry keys it leaves out get these bounds. The client
 * connects lazily: a web application starts while Redis is down and works as soon as Redis is back.
 *
 * <p>Thread-safe. {@link #close()} shuts the client down and waits for its threads.
 */
public final class RedisConnection implements AutoCloseable {

    private static final int RETRY_ATTEMPTS = 0;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final RedisSettings settings;
    private final RedissonClient client;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    private RedisConnection(RedisSettings settings) throws IOException {
        this.settings = settings;
        Config config = config(settings);
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
        this.client = Redisson.create(config);
    }

    /**
     * Creates the client; connects on the first command.
     *
     * @throws IOException when the YAML file cannot be read or parsed
     * @throws IllegalArgumentException when the configuration is refused by Redisson
     */
    public static RedisConnection open(RedisSettings settings) throws IOException {
        return new RedisConnection(settings);
    }

    /** The client, for commands of the application's own. Prefer {@link #call} for calls on request threads. */
    public RedissonClient client() {
        return client;
    }

    /**
     * Runs a synchronous Redisson call on this thread, then releases what Netty keeps per thread. Redisson's
     * synchronous calls leave Netty's {@code InternalThreadLocalMap} on the calling thread, which Tomcat reports
     * as a leak of the web application when it stops.
     *
     * @return what the call returned
     */
    public <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } finally {
            InternalThreadLocalMap.remove();
        }
    }

    /** Told of every connection made and lost, from Redisson's threads. */
    void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Shuts the client down and waits up to 5 s for its threads. Never throws. */
    @Override
    public void close() {
        // Wait for Redisson's threads, or Tomcat reports them as leaked by the web application.
        client.shutdown(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static Config config(RedisSettings settings) throws IOException {
        Config config = settings.configFile() != null ? fromYaml(settings) : fromUrl(settings);
        config.setLazyInitialization(true);
        config.setUseScriptCache(true);
        return config;
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
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? null : decode(userInfo.substring(0, colon));
            server.setPassword(decode(colon < 0 ? userInfo : userInfo.substring(colon + 1)));
            if (user != null && !user.isEmpty()) {
                server.setUsername(user);
            }
        }
        server.setDatabase(RedisSettings.database(uri));
        return config;
    }

    @SuppressWarnings("unchecked")
    private static Config fromYaml(RedisSettings settings) throws IOException {
        int timeoutMillis = (int) settings.timeout().toMillis();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Object> root = yaml.readValue(Files.readString(settings.configFile()), Map.class);
        root.forEach((section, value) -> {
            if (section.endsWith("Config") && value instanceof Map<?, ?> servers) {
                Map<String, Object> server = (Map<String, Object>) servers;
                server.putIfAbsent("connectTimeout", timeoutMillis);
                server.putIfAbsent("timeout", timeoutMillis);
                server.putIfAbsent("retryAttempts", RETRY_ATTEMPTS);
            }
        });
        return Config.fromYAML(yaml.writeValueAsString(root));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
