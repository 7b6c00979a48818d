package io.sessionstore.testing;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestApp} for all tests of a class, the Redis it stores in, and a {@link RespClient} on that Redis for
 * assertions. Register it on a static field with {@code @RegisterExtension}: it starts before the class's
 * {@code @BeforeAll} methods and is closed after its {@code @AfterAll} methods.
 */
public final class AppWithRedis implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> settings;
    private final boolean withPrivateRedis;
    private PrivateRedis ownRedis;
    private TestApp app;
    private RespClient redis;

    private AppWithRedis(Map<String, String> settings, boolean withPrivateRedis) {
        this.settings = settings;
        this.withPrivateRedis = withPrivateRedis;
    }

    /** On the shared {@link TestRedis}; the app's keys are deleted after the tests. */
    public static AppWithRedis onTestRedis(Map<String, String> settings) {
        return new AppWithRedis(settings, false);
    }

    /** On a {@link PrivateRedis} of its own, for tests that stop or restart Redis; stopped after the tests. */
    public static AppWithRedis onPrivateRedis(Map<String, String> settings) {
        return new AppWithRedis(settings, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Map<String, String> appSettings = new HashMap<>(settings);
        if (withPrivateRedis) {
            ownRedis = PrivateRedis.start();
            appSettings.put("REDIS_URL", ownRedis.url());
        }
        app = TestApp.start(appSettings);
        redis = new RespClient(withPrivateRedis ? ownRedis.url() : TestRedis.url());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            // A private Redis goes with its keys; the client may not have outlived a restart of it.
            if (redis != null && !withPrivateRedis) {
                redis.deleteKeys(app.keyPrefix());
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
            if (app != null) {
                app.close();
            }
            if (ownRedis != null) {
                ownRedis.close();
            }
        }
    }

    public TestApp app() {
        return app;
    }

    public String url(String path) {
        return app.url(path);
    }

    public String keyPrefix() {
        return app.keyPrefix();
    }

    /** The Redis hash of the session with this id. */
    public String sessionKey(String id) {
        return app.keyPrefix() + "session:{" + id + "}";
    }

    /** The Redis hash that counts the visits of this (normalised) email address. */
    public String visitsKey(String email) {
        return app.keyPrefix() + "visits:" + email;
    }

    /** Opened before the tests; with a private Redis, it does not survive {@link PrivateRedis#restart()}. */
    public RespClient redis() {
        return redis;
    }

    /** To stop, freeze or restart Redis; only {@link #onPrivateRedis} has one. */
    public PrivateRedis privateRedis() {
        if (ownRedis == null) {
            throw new IllegalStateException("This app runs on the shared test Redis");
        }
        return ownRedis;
    }
}
