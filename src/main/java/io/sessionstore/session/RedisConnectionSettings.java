package io.sessionstore.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.redisson.connection.ConnectionListener;

/**
 * How to reach Redis: a {@code redis://} or {@code rediss://} URL, or a Redisson YAML file (cluster, sentinel,
 * replicated, TLS set-ups), which wins over the URL.
 *
 * <p>Every command is bounded: {@code timeoutMillis} for a connect and for an answer, and no retry. So a request
 * that finds Redis gone fails within about one timeout, not Redisson's default of half a minute, and a command is
 * never sent twice. A YAML file
 * keeps every value it sets; only the timeout and retry keys it leaves out get these bounds. The client connects
 * lazily: a web application starts while Redis is down and works as soon as Redis is back.
 */
public record RedisConnectionSettings(String url, Path configFile, int timeoutMillis) {

    /** None: Redisson re-sends a command whose answer timed out, and a hung Redis would then run it twice. */
    private static final int RETRY_ATTEMPTS = 0;

    /** The Redis this client talks to, without any password: for log lines and messages. */
    public String describe() {
        if (configFile != null) {
            return "the Redis named in " + configFile;
        }
        try {
            URI uri = new URI(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (URISyntaxException e) {
            return "an unparsable REDIS_URL";
        }
    }

    public Config toConfig() throws IOException {
        Config config = configFile != null ? fromYaml() : fromUrl();
        config.setLazyInitialization(true);
        config.setUseScriptCache(true);
        return config;
    }

    public RedissonClient connect() throws IOException {
        return Redisson.create(toConfig());
    }

    /** @param listener told of every connection made and lost, or null */
    public RedissonClient connect(ConnectionListener listener) throws IOException {
        Config config = toConfig();
        if (listener != null) {
            config.setConnectionListener(listener);
        }
        return Redisson.create(config);
    }

    private Config fromUrl() {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("REDIS_URL is not a URL: " + e.getMessage());
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("REDIS_URL must look like redis://host:port or rediss://host:port");
        }
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
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            server.setDatabase(Integer.parseInt(path.substring(1)));
        }
        return config;
    }

    @SuppressWarnings("unchecked")
    private Config fromYaml() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Object> root = yaml.readValue(Files.readString(configFile), Map.class);
        root.forEach((section, value) -> {
            if (section.endsWith("Config") && value instanceof Map<?, ?> servers) {
                Map<String, Object> settings = (Map<String, Object>) servers;
                settings.putIfAbsent("connectTimeout", timeoutMillis);
                settings.putIfAbsent("timeout", timeoutMillis);
                settings.putIfAbsent("retryAttempts", RETRY_ATTEMPTS);
            }
        });
        return Config.fromYAML(yaml.writeValueAsString(root));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
