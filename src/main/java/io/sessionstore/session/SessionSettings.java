package io.sessionstore.session;

import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.redis.RedisSettings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import java.io.ObjectInputFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Every setting of the session layer: immutable, each value checked when it is built. Make one with
 * {@link #builder()}, or read one from a web application's context parameters, system properties and environment
 * with {@link #read(ServletContext)}.
 *
 * @param timeout             the max inactive interval of new sessions (Servlet 6.1, section 7.5): 1 s to 365 days
 * @param keyPrefix           prefix of every Redis key, so applications and environments can share a Redis: not
 *                            empty, no whitespace, no {@code {} or {@code }} (they would defeat Redis Cluster's hash
 *                            tags)
 * @param cookieName          the session cookie; the version cookie is named after it with {@code _V}: a cookie
 *                            token (RFC 6265, section 4.1.1)
 * @param cookieSameSite      {@code Strict}, {@code Lax} or {@code None}
 * @param nearCache           keep recently used sessions on each node, kept coherent through Redis
 * @param nearCacheMaxEntries sessions a node's near cache holds at most, 1 to 10,000,000
 * @param nearCacheMaxBytes   the estimated heap a node's near cache takes at most, in bytes, 1 MiB to 64 GiB; by
 *                            default a tenth of the JVM's maximum heap
 * @param nearCacheMaxAge     how long a cached session is used before it is loaded again, 1 s to 1 h
 * @param allowedClasses      {@link java.io.ObjectInputFilter} patterns, separated by {@code ;}, of classes that
 *                            attribute values may deserialise to besides {@code java.lang}, {@code java.util},
 *                            {@code java.time} and {@code java.math}; may be empty
 * @param redis               how to reach Redis
 * @param failureStatus       the status of a request whose session the store could not load or save: 500 to 599
 * @param housekeepingInterval how often each node sends the session accesses it coalesced and claims expired
 *                            sessions, 50 ms to 60 s: the bound on how far the stored last-access time lags behind
 *                            requests served from the near cache or without {@code getSession}, and (plus one round
 *                            trip) on how late {@code sessionDestroyed} is told of a session that timed out; twice
 *                            this is how long the near cache trusts a copy Redis has not confirmed
 *                            ({@link #nearCacheTrust()})
 * @param replicaAcks         how many Redis replicas must acknowledge each session write ({@code WAIT}) before the
 *                            response, 0 to 16; empty: {@code auto}, 1 from the moment a Sentinel group or a
 *                            Redis Cluster has replicas to fail over to (checked every 5 s until then), else 0 (a
 *                            single server is never failed over to a replica). A write
 *                            too few replicas confirm within half the Redis timeout fails (503): a failover then
 *                            never loses an acknowledged login, logout or change
 * @param principalAttribute  the session attribute whose {@code String} value names the session's principal (the
 *                            signed-in user), by which sessions are indexed for finding and ending a user's sessions
 *                            ({@link io.sessionstore.session.web.PrincipalSessions}); empty for the container's
 *                            authenticated user ({@code getRemoteUser()}); at most 256 characters, no control
 *                            characters
 * @param sizeLimits          how large one attribute's value and one session's values may be, in bytes as stored
 */
public record SessionSettings(Duration timeout, String keyPrefix, String cookieName, String cookieSameSite,
                              boolean nearCache, int nearCacheMaxEntries, long nearCacheMaxBytes,
                              Duration nearCacheMaxAge,
                              String allowedClasses, RedisSettings redis, int failureStatus,
                              Duration housekeepingInterval, OptionalInt replicaAcks, String principalAttribute,
                              SizeLimits sizeLimits) {

    public static final String REDIS_URL = "REDIS_URL";
    public static final String REDISSON_CONFIG = "REDISSON_CONFIG";
    public static final String REDIS_TIMEOUT_MS = "REDIS_TIMEOUT_MS";
    public static final String SESSION_TIMEOUT_SECONDS = "SESSION_TIMEOUT_SECONDS";
    public static final String KEY_PREFIX = "KEY_PREFIX";
    public static final String SESSION_COOKIE_NAME = "SESSION_COOKIE_NAME";
    public static final String SESSION_COOKIE_SAME_SITE = "SESSION_COOKIE_SAME_SITE";
    public static final String SESSION_NEAR_CACHE = "SESSION_NEAR_CACHE";
    public static final String SESSION_NEAR_CACHE_MAX_ENTRIES = "SESSION_NEAR_CACHE_MAX_ENTRIES";
    public static final String SESSION_NEAR_CACHE_MAX_BYTES = "SESSION_NEAR_CACHE_MAX_BYTES";
    public static final String SESSION_NEAR_CACHE_MAX_AGE_SECONDS = "SESSION_NEAR_CACHE_MAX_AGE_SECONDS";
    public static final String SESSION_ALLOWED_CLASSES = "SESSION_ALLOWED_CLASSES";
    public static final String SESSION_FAILURE_STATUS = "SESSION_FAILURE_STATUS";
    public static final String SESSION_HOUSEKEEPING_MS = "SESSION_HOUSEKEEPING_MS";
    public static final String SESSION_REPLICA_ACKS = "SESSION_REPLICA_ACKS";
    public static final String SESSION_PRINCIPAL_ATTRIBUTE = "SESSION_PRINCIPAL_ATTRIBUTE";
    public static final String SESSION_MAX_ATTRIBUTE_BYTES = SizeLimits.MAX_ATTRIBUTE_BYTES_SETTING;
    public static final String SESSION_MAX_BYTES = SizeLimits.MAX_SESSION_BYTES_SETTING;

    private static final Duration MAX_TIMEOUT = Duration.ofDays(365);
    private static final int MAX_CACHE_ENTRIES = 10_000_000;
    private static final long MIN_CACHE_BYTES = 1L << 20;
    private static final long MAX_CACHE_BYTES = 64L << 30;
    private static final int MAX_APPLICATION_NAME = 64;
    private static final Duration MIN_CACHE_AGE = Duration.ofSeconds(1);
    private static final Duration MAX_CACHE_AGE = Duration.ofHours(1);
    private static final Duration DEFAULT_CACHE_AGE_CAP = Duration.ofMinutes(10);
    private static final Duration MIN_HOUSEKEEPING = Duration.ofMillis(50);
    private static final Duration MAX_HOUSEKEEPING = Duration.ofSeconds(60);
    private static final int MAX_REPLICA_ACKS = 16;
    private static final int MAX_ATTRIBUTE_NAME = 256;
    private static final String REPLICA_ACKS_RULE = "the replicas that acknowledge each session write must be "
            + "'auto' or a whole number between 0 and " + MAX_REPLICA_ACKS;
    private static final String TOKEN_SEPARATORS = "()<>@,;:\\\"/[]?={} \t";

    /** @throws IllegalArgumentException naming the value and the allowed range when one is out of it */
    public SessionSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(cookieName, "cookieName");
        Objects.requireNonNull(cookieSameSite, "cookieSameSite");
        Objects.requireNonNull(nearCacheMaxAge, "nearCacheMaxAge");
        Objects.requireNonNull(allowedClasses, "allowedClasses");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(housekeepingInterval, "housekeepingInterval");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0
                || timeout.getNano() != 0) {
            throw new IllegalArgumentException("the session timeout must be a whole number of seconds between 1 and "
                    + MAX_TIMEOUT.toSeconds() + " (365 days), not " + describe(timeout));
        }
        if (keyPrefix.isEmpty() || keyPrefix.chars().anyMatch(c -> c <= ' ' || c == '{' || c == '}' || c == 0x7f)) {
            throw new IllegalArgumentException("the key prefix must not be empty and must hold no whitespace, "
                    + "control characters, '{' or '}', not '" + keyPrefix + "'");
        }
        if (!isToken(cookieName)) {
            throw new IllegalArgumentException("the cookie name must be a cookie token (letters, digits and "
                    + "!#$%&'*+-.^_`|~), not '" + cookieName + "'");
        }
        cookieSameSite = switch (cookieSameSite.toLowerCase(Locale.ROOT)) {
            case "strict" -> "Strict";
            case "lax" -> "Lax";
            case "none" -> "None";
            default -> throw new IllegalArgumentException("SameSite must be Strict, Lax or None, not '"
                    + cookieSameSite + "'");
        };
        if (nearCacheMaxEntries < 1 || nearCacheMaxEntries > MAX_CACHE_ENTRIES) {
            throw new IllegalArgumentException("the near cache must hold at least 1 and at most " + MAX_CACHE_ENTRIES
                    + " sessions, not " + nearCacheMaxEntries);
        }
        if (nearCacheMaxBytes < MIN_CACHE_BYTES || nearCacheMaxBytes > MAX_CACHE_BYTES) {
            throw new IllegalArgumentException("the near cache's heap must be between " + MIN_CACHE_BYTES + " and "
                    + MAX_CACHE_BYTES + " bytes, not " + nearCacheMaxBytes);
        }
        if (nearCacheMaxAge.compareTo(MIN_CACHE_AGE) < 0 || nearCacheMaxAge.compareTo(MAX_CACHE_AGE) > 0) {
            throw new IllegalArgumentException("the near cache's maximum age must be between 1 and "
                    + MAX_CACHE_AGE.toSeconds() + " seconds, not " + describe(nearCacheMaxAge));
        }
        allowedClasses = allowedClasses.strip();
        try {
            ObjectInputFilter.Config.createFilter(allowedClasses.isEmpty() ? "java.lang.*" : allowedClasses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the allowed classes must be ObjectInputFilter patterns separated by "
                    + "';' (for example com.example.cart.*), not '" + allowedClasses + "': " + e.getMessage());
        }
        if (failureStatus < 500 || failureStatus > 599) {
            throw new IllegalArgumentException("the failure status must be between 500 and 599, not "
                    + failureStatus);
        }
        if (housekeepingInterval.compareTo(MIN_HOUSEKEEPING) < 0
                || housekeepingInterval.compareTo(MAX_HOUSEKEEPING) > 0) {
            throw new IllegalArgumentException("the housekeeping interval must be between "
                    + MIN_HOUSEKEEPING.toMillis() + " and " + MAX_HOUSEKEEPING.toMillis() + " ms, not "
                    + housekeepingInterval.toMillis() + " ms");
        }
        Objects.requireNonNull(replicaAcks, "replicaAcks");
        if (replicaAcks.isPresent() && (replicaAcks.getAsInt() < 0 || replicaAcks.getAsInt() > MAX_REPLICA_ACKS)) {
            throw new IllegalArgumentException(REPLICA_ACKS_RULE + ", not " + replicaAcks.getAsInt());
        }
        Objects.requireNonNull(sizeLimits, "sizeLimits");
        Objects.requireNonNull(principalAttribute, "principalAttribute");
        if (principalAttribute.length() > MAX_ATTRIBUTE_NAME
                || principalAttribute.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("the principal attribute must be a session attribute name of at most "
                    + MAX_ATTRIBUTE_NAME + " characters without control characters, not '" + principalAttribute
                    + "'");
        }
    }

    /**
     * How long a node's near cache uses a session after Redis last confirmed its version: two housekeeping
     * intervals (1 s by default), so that a session in steady use, whose background touch confirms it every
     * interval, is never loaded again for it. The bound on serving a change no node announced (an operator's
     * {@code DEL}, {@code FLUSHALL}, an eviction) or announcements lost in a partition.
     */
    public Duration nearCacheTrust() {
        return housekeepingInterval.multipliedBy(2);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The near cache's maximum age when none is set: a tenth of the session timeout, between 1 second and 10 minutes.
     * Copies are kept current by announcements and version lookups; the age bounds what those cannot see (a change
     * of a session's fields made behind the application's back without a new version, or one version number
     * written twice after a failover lost a write), and every reload costs a round trip.
     */
    public static Duration defaultNearCacheMaxAge(Duration timeout) {
        Duration tenth = timeout.dividedBy(10);
        return tenth.compareTo(MIN_CACHE_AGE) < 0 ? MIN_CACHE_AGE
                : tenth.compareTo(DEFAULT_CACHE_AGE_CAP) > 0 ? DEFAULT_CACHE_AGE_CAP : tenth;
    }

    /**
     * Reads the settings of one web application. Each name is looked up as a context parameter first (a
     * {@code <Parameter>} in Tomcat's {@code context.xml}, a {@code <context-param>} in {@code web.xml}), then as a
     * system property, then as an environment variable. Without {@code KEY_PREFIX}, the prefix is the
     * application's own ({@link #applicationKeyPrefix}).
     *
     * @throws IllegalArgumentException naming the setting, its value and what is allowed
     */
    public static SessionSettings read(ServletContext context) {
        return read(lookup(context), applicationDefaults(context));
    }

    /**
     * What the application says of its sessions, as the defaults that settings may override: its key prefix
     * ({@link #applicationKeyPrefix}), its session timeout ({@code <session-timeout>} or
     * {@code ServletContext.setSessionTimeout}, else the container's default; zero or less, meaning never, becomes
     * the longest timeout allowed, 365 days), and its session cookie's name and {@code SameSite} attribute
     * ({@code <cookie-config>}). Without a name of its own, the cookie is {@code SESSION}, not the container's
     * {@code JSESSIONID}: the container still makes sessions of its own for some of its features (form login keeps
     * its state in one), and their cookie must not overwrite this one.
     */
    private static Builder applicationDefaults(ServletContext context) {
        Builder builder = builder().keyPrefix(applicationKeyPrefix(context));
        int minutes = context.getSessionTimeout();
        builder.timeout(minutes > 0 ? Duration.ofMinutes(Math.min(minutes, MAX_TIMEOUT.toMinutes())) : MAX_TIMEOUT);
        SessionCookieConfig cookie = context.getSessionCookieConfig();
        if (cookie != null) {
            if (cookie.getName() != null && isToken(cookie.getName())) {
                builder.cookieName(cookie.getName());
            }
            String sameSite = cookie.getAttribute("SameSite");
            if (sameSite != null && List.of("strict", "lax", "none").contains(sameSite.toLowerCase(Locale.ROOT))) {
                builder.cookieSameSite(sameSite);
            }
        }
        return builder;
    }

    /**
     * The default key prefix of one application: {@code sessionstore:<name>:}, where the name is the application's
     * display name ({@code <display-name>} in {@code web.xml}) or, without one, its context path ({@code ROOT} for
     * the root), characters a key prefix may not hold replaced by {@code _}. So two applications sharing a Redis
     * keep their sessions apart unless they set the same {@code KEY_PREFIX}, and the nodes of one application share
     * theirs.
     */
    public static String applicationKeyPrefix(ServletContext context) {
        String name = context.getServletContextName();
        if (name == null || name.isBlank()) {
            String path = context.getContextPath();
            name = path.isEmpty() ? "ROOT" : path.substring(1);
        }
        StringBuilder prefix = new StringBuilder("sessionstore:");
        name.strip().chars().limit(MAX_APPLICATION_NAME).forEach(c ->
                prefix.append(c > ' ' && c < 0x7f && c != '{' && c != '}' ? (char) c : '_'));
        return prefix.append(':').toString();
    }

    /** The lookup of {@link #read(ServletContext)}, for an application's own settings too. */
    public static UnaryOperator<String> lookup(ServletContext context) {
        return name -> {
            String value = context.getInitParameter(name);
            if (value == null) {
                value = System.getProperty(name);
            }
            return value != null ? value : System.getenv(name);
        };
    }

    /**
     * Reads settings by name; a name that is missing or blank keeps its default.
     *
     * @param lookup a name's value, or null
     * @throws IllegalArgumentException naming the setting, its value and what is allowed
     */
    public static SessionSettings read(UnaryOperator<String> lookup) {
        return read(lookup, builder());
    }

    private static SessionSettings read(UnaryOperator<String> lookup, Builder builder) {
        SettingReader reader = new SettingReader(lookup, builder);
        // The file first: when there is one, it wins and the URL is not checked.
        reader.text(REDISSON_CONFIG, value -> builder.redissonConfig(Path.of(value)));
        reader.text(REDIS_URL, builder::redisUrl);
        reader.number(REDIS_TIMEOUT_MS, value -> builder.redisTimeout(Duration.ofMillis(value)));
        reader.number(SESSION_TIMEOUT_SECONDS, value -> builder.timeout(Duration.ofSeconds(value)));
        reader.text(KEY_PREFIX, builder::keyPrefix);
        reader.text(SESSION_COOKIE_NAME, builder::cookieName);
        reader.text(SESSION_COOKIE_SAME_SITE, builder::cookieSameSite);
        reader.onOff(SESSION_NEAR_CACHE, builder::nearCache);
        reader.number(SESSION_NEAR_CACHE_MAX_ENTRIES, value -> builder.nearCacheMaxEntries(clamped(value)));
        reader.number(SESSION_NEAR_CACHE_MAX_BYTES, builder::nearCacheMaxBytes);
        reader.number(SESSION_NEAR_CACHE_MAX_AGE_SECONDS, value -> builder.nearCacheMaxAge(Duration.ofSeconds(value)));
        reader.text(SESSION_ALLOWED_CLASSES, builder::allowedClasses);
        reader.text(SESSION_PRINCIPAL_ATTRIBUTE, builder::principalAttribute);
        // The attribute limit first: the session limit is checked against it.
        reader.number(SESSION_MAX_ATTRIBUTE_BYTES, value -> builder.maxAttributeBytes(clamped(value)));
        reader.number(SESSION_MAX_BYTES, value -> builder.maxSessionBytes(clamped(value)));
        reader.number(SESSION_FAILURE_STATUS, value -> builder.failureStatus(clamped(value)));
        reader.number(SESSION_HOUSEKEEPING_MS, value -> builder.housekeepingInterval(Duration.ofMillis(value)));
        reader.parsed(SESSION_REPLICA_ACKS, builder::replicaAcks, value -> {
            if (value.equalsIgnoreCase("auto")) {
                return OptionalInt.empty();
            }
            try {
                return OptionalInt.of(Integer.parseInt(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(REPLICA_ACKS_RULE + ", not '" + value + "'");
            }
        });
        return builder.build();
    }

    /** A tenth of the JVM's maximum heap, at least 1 MiB and at most 64 GiB. */
    private static long defaultNearCacheMaxBytes() {
        return Math.max(MIN_CACHE_BYTES, Math.min(MAX_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 10));
    }

    /** A number read for an {@code int} setting; beyond the range of {@code int}, the range check refuses it. */
    private static int clamped(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    /** Whole seconds as seconds, anything else in milliseconds: as a message shows a value. */
    private static String describe(Duration duration) {
        return duration.getNano() == 0 ? duration.toSeconds() + " seconds" : duration.toMillis() + " ms";
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || TOKEN_SEPARATORS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Collects values into a {@link Builder}. Defaults: 30 minute timeout, key prefix {@code sessionstore:}, cookie
     * {@code SESSION} with {@code SameSite=Lax}, near cache on with up to 100,000 sessions within a tenth of the
     * heap and {@link #defaultNearCacheMaxAge}, no extra allowed classes, Redis at {@code redis://127.0.0.1:6379}
     * with an 800 ms timeout, failure status 503, housekeeping every 500 ms, {@link SizeLimits#DEFAULT} (a session
     * limit left unset follows a larger attribute limit). Not thread-safe.
     */
    public static final class Builder {
        private Duration timeout = Duration.ofMinutes(30);
        private String keyPrefix = "sessionstore:";
        private String cookieName = "SESSION";
        private String cookieSameSite = "Lax";
        private boolean nearCache = true;
        private int nearCacheMaxEntries = 100_000;
        private Long nearCacheMaxBytes;
        private Duration nearCacheMaxAge;
        private String allowedClasses = "";
        private String redisUrl = "redis://127.0.0.1:6379";
        private Path redissonConfig;
        private Duration redisTimeout = Duration.ofMillis(800);
        private int failureStatus = 503;
        private Duration housekeepingInterval = Duration.ofMillis(500);
        private OptionalInt replicaAcks = OptionalInt.empty();
        private String principalAttribute = "";
        private Integer maxAttributeBytes;
        private Integer maxSessionBytes;

        private Builder() {
        }

        private Builder(SessionSettings settings) {
            timeout = settings.timeout;
            keyPrefix = settings.keyPrefix;
            cookieName = settings.cookieName;
            cookieSameSite = settings.cookieSameSite;
            nearCache = settings.nearCache;
            nearCacheMaxEntries = settings.nearCacheMaxEntries;
            nearCacheMaxBytes = settings.nearCacheMaxBytes;
            // A derived maximum age stays derived, so that a new timeout moves it.
            nearCacheMaxAge = settings.nearCacheMaxAge.equals(defaultNearCacheMaxAge(settings.timeout))
                    ? null : settings.nearCacheMaxAge;
            allowedClasses = settings.allowedClasses;
            redisUrl = settings.redis.url();
            redissonConfig = settings.redis.configFile();
            redisTimeout = settings.redis.timeout();
            failureStatus = settings.failureStatus;
            housekeepingInterval = settings.housekeepingInterval;
            replicaAcks = settings.replicaAcks;
            principalAttribute = settings.principalAttribute;
            maxAttributeBytes = settings.sizeLimits.maxAttributeBytes();
            maxSessionBytes = settings.sizeLimits.maxSessionBytes();
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        public Builder cookieName(String cookieName) {
            this.cookieName = cookieName;
            return this;
        }

        public Builder cookieSameSite(String cookieSameSite) {
            this.cookieSameSite = cookieSameSite;
            return this;
        }

        public Builder nearCache(boolean nearCache) {
            this.nearCache = nearCache;
            return this;
        }

        public Builder nearCacheMaxEntries(int nearCacheMaxEntries) {
            this.nearCacheMaxEntries = nearCacheMaxEntries;
            return this;
        }

        /** @param nearCacheMaxBytes null for a tenth of the JVM's maximum heap (at least 1 MiB) */
        public Builder nearCacheMaxBytes(Long nearCacheMaxBytes) {
            this.nearCacheMaxBytes = nearCacheMaxBytes;
            return this;
        }

        /** @param nearCacheMaxAge null for {@link #defaultNearCacheMaxAge} of the timeout */
        public Builder nearCacheMaxAge(Duration nearCacheMaxAge) {
            this.nearCacheMaxAge = nearCacheMaxAge;
            return this;
        }

        public Builder allowedClasses(String allowedClasses) {
            this.allowedClasses = allowedClasses;
            return this;
        }

        public Builder redisUrl(String redisUrl) {
            this.redisUrl = redisUrl;
            return this;
        }

        /** @param redissonConfig a Redisson YAML file, which wins over the URL; null for none */
        public Builder redissonConfig(Path redissonConfig) {
            this.redissonConfig = redissonConfig;
            return this;
        }

        public Builder redisTimeout(Duration redisTimeout) {
            this.redisTimeout = redisTimeout;
            return this;
        }

        public Builder failureStatus(int failureStatus) {
            this.failureStatus = failureStatus;
            return this;
        }

        public Builder housekeepingInterval(Duration housekeepingInterval) {
            this.housekeepingInterval = housekeepingInterval;
            return this;
        }

        /** @param replicaAcks empty for {@code auto} */
        public Builder replicaAcks(OptionalInt replicaAcks) {
            this.replicaAcks = replicaAcks;
            return this;
        }

        /** @param principalAttribute empty for none */
        public Builder principalAttribute(String principalAttribute) {
            this.principalAttribute = principalAttribute;
            return this;
        }

        /** @param maxAttributeBytes null for the default */
        public Builder maxAttributeBytes(Integer maxAttributeBytes) {
            this.maxAttributeBytes = maxAttributeBytes;
            return this;
        }

        /** @param maxSessionBytes null for the default, or the attribute limit when that is larger */
        public Builder maxSessionBytes(Integer maxSessionBytes) {
            this.maxSessionBytes = maxSessionBytes;
            return this;
        }

        /** @throws IllegalArgumentException naming the value and the allowed range when one is out of it */
        public SessionSettings build() {
            Objects.requireNonNull(timeout, "timeout");
            int attributeBytes = maxAttributeBytes != null ? maxAttributeBytes
                    : SizeLimits.DEFAULT.maxAttributeBytes();
            int sessionBytes = maxSessionBytes != null ? maxSessionBytes
                    : Math.max(SizeLimits.DEFAULT.maxSessionBytes(), attributeBytes);
            return new SessionSettings(timeout, keyPrefix, cookieName, cookieSameSite, nearCache,
                    nearCacheMaxEntries, nearCacheMaxBytes != null ? nearCacheMaxBytes : defaultNearCacheMaxBytes(),
                    nearCacheMaxAge != null ? nearCacheMaxAge : defaultNearCacheMaxAge(timeout),
                    allowedClasses, new RedisSettings(redisUrl, redissonConfig, redisTimeout), failureStatus,
                    housekeepingInterval, replicaAcks, principalAttribute,
                    new SizeLimits(attributeBytes, sessionBytes));
        }
    }

    /**
     * Reads named values into a builder and reports a bad one by its name, as {@code NAME: what is wrong}. The
     * checks are the settings' own: after each value the builder is built once, so a refusal names the setting
     * just read.
     */
    private static final class SettingReader {
        private final UnaryOperator<String> lookup;
        private final Builder builder;

        SettingReader(UnaryOperator<String> lookup, Builder builder) {
            this.lookup = lookup;
            this.builder = builder;
        }

        void text(String name, Consumer<String> setter) {
            parsed(name, setter, Function.identity());
        }

        void number(String name, Consumer<Long> setter) {
            parsed(name, setter, value -> {
                try {
                    return Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(rule(setter) + ", not '" + value + "'");
                }
            });
        }

        /**
         * What a number setting allows, as the settings word it ("the session timeout must be a whole number of
         * seconds between 1 and ..."): the refusal of a value far out of range, without the value.
         */
        private String rule(Consumer<Long> setter) {
            try {
                setter.accept(Long.MIN_VALUE);
                builder.build();
            } catch (IllegalArgumentException refused) {
                String message = refused.getMessage();
                int value = message == null ? -1 : message.lastIndexOf(", not ");
                if (value > 0) {
                    return message.substring(0, value);
                }
            }
            return "must be a whole number";
        }

        void onOff(String name, Consumer<Boolean> setter) {
            parsed(name, setter, value -> switch (value.toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes" -> true;
                case "off", "false", "no" -> false;
                default -> throw new IllegalArgumentException("must be 'on' or 'off', not '" + value + "'");
            });
        }

        <T> void parsed(String name, Consumer<T> setter, Function<String, T> parse) {
            String raw = lookup.apply(name);
            if (raw != null && raw.isBlank() && name.equals(KEY_PREFIX)) {
                // Every key of every session follows it: an empty one is a mistake, not a wish for the default.
                throw new IllegalArgumentException(KEY_PREFIX + ": the key prefix must not be empty; leave "
                        + KEY_PREFIX + " unset for the application's own prefix");
            }
            if (raw == null || raw.isBlank()) {
                return;
            }
            String value = raw.strip();
            try {
                setter.accept(parse.apply(value));
                builder.build();
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                // The settings name the value as they hold it; name it as it was written when that differs.
                String shown = name.equals(REDIS_URL) ? RedisSettings.withoutPassword(value) : value;
                throw new IllegalArgumentException(name + ": " + message
                        + (message.contains(shown) ? "" : " (the value given is '" + shown + "')"), e);
            }
        }
    }
}
