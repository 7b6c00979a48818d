package io.sessionstore.testing;

import io.sessionstore.launcher.EmbeddedTomcat;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The web application on an embedded Tomcat on a free port, serving {@code webapp/} and the compiled classes, with
 * a key prefix of its own. Settings are passed as context parameters, as {@code context.xml} would.
 */
public final class TestApp implements AutoCloseable {

    private final EmbeddedTomcat tomcat;
    private final String keyPrefix;

    private TestApp(EmbeddedTomcat tomcat, String keyPrefix) {
        this.tomcat = tomcat;
        this.keyPrefix = keyPrefix;
    }

    /** @param settings override the defaults: REDIS_URL of the shared test Redis, a fresh KEY_PREFIX */
    public static TestApp start(Map<String, String> settings) throws Exception {
        Map<String, String> parameters = new HashMap<>();
        parameters.put("REDIS_URL", settings.containsKey("REDIS_URL") ? settings.get("REDIS_URL") : TestRedis.url());
        parameters.put("KEY_PREFIX", TestRedis.uniquePrefix("app"));
        parameters.putAll(settings);
        EmbeddedTomcat tomcat = EmbeddedTomcat.start(Path.of("webapp"), Path.of("target/classes"),
                "127.0.0.1", 0, parameters, null, null);
        if (!tomcat.isAvailable()) {
            String problem = tomcat.startupProblem();
            tomcat.close();
            throw new IllegalStateException("The web application did not start: " + problem);
        }
        return new TestApp(tomcat, parameters.get("KEY_PREFIX"));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + tomcat.port() + path;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    @Override
    public void close() {
        tomcat.close();
    }
}
