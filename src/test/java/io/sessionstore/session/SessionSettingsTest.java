package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.redis.RedisSettings;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class SessionSettingsTest {

    private static final SessionSettings DEFAULTS = SessionSettings.builder().build();
    private static final RedisSettings DEFAULT_REDIS = DEFAULTS.redis();

    @TempDir
    Path folder;

    // Defaults

    @Test
    void build_nothingSet_defaults() {
        SessionSettings settings = SessionSettings.builder().build();
        assertEquals(Duration.ofMinutes(30), settings.timeout());
        assertEquals("sessionstore:", settings.keyPrefix());
        assertEquals("SESSION", settings.cookieName());
        assertEquals("Lax", settings.cookieSameSite());
        assertTrue(settings.nearCache());
        assertEquals(100_000, settings.nearCacheMaxEntries());
        assertEquals(Runtime.getRuntime().maxMemory() / 10, settings.nearCacheMaxBytes(), "a tenth of the heap");
        assertEquals(Duration.ofMinutes(3), settings.nearCacheMaxAge());
        assertEquals(SessionSettings.defaultNearCacheMaxAge(Duration.ofMinutes(30)), settings.nearCacheMaxAge());
        assertEquals("", settings.allowedClasses());
        assertEquals("redis://127.0.0.1:6379", settings.redis().url());
        assertNull(settings.redis().configFile());
        assertEquals(Duration.ofMillis(800), settings.redis().timeout());
        assertEquals(503, settings.failureStatus());
    }

    @Test
    void defaultNearCacheMaxAge_anyTimeout_aTenthBetweenOneSecondAndTenMinutes() {
        assertEquals(Duration.ofSeconds(1), SessionSettings.defaultNearCacheMaxAge(Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), SessionSettings.defaultNearCacheMaxAge(Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(2), SessionSettings.defaultNearCacheMaxAge(Duration.ofSeconds(20)));
        assertEquals(Duration.ofSeconds(30), SessionSettings.defaultNearCacheMaxAge(Duration.ofSeconds(300)));
        assertEquals(Duration.ofSeconds(60), SessionSettings.defaultNearCacheMaxAge(Duration.ofSeconds(600)));
        assertEquals(Duration.ofMinutes(3), SessionSettings.defaultNearCacheMaxAge(Duration.ofSeconds(1800)));
        assertEquals(Duration.ofMinutes(10), SessionSettings.defaultNearCacheMaxAge(Duration.ofHours(2)));
        assertEquals(Duration.ofMinutes(10), SessionSettings.defaultNearCacheMaxAge(Duration.ofDays(365)));
    }

    @Test
    void build_timeoutWithoutMaxAge_maxAgeIsTheDefaultForThatTimeout() {
        assertEquals(Duration.ofSeconds(1),
                SessionSettings.builder().timeout(Duration.ofSeconds(5)).build().nearCacheMaxAge());
        assertEquals(Duration.ofSeconds(30),
                SessionSettings.builder().timeout(Duration.ofSeconds(300)).build().nearCacheMaxAge());
        assertEquals(Duration.ofSeconds(7), SessionSettings.builder().timeout(Duration.ofSeconds(300))
                .nearCacheMaxAge(Duration.ofSeconds(7)).build().nearCacheMaxAge());
    }

    // Refusals

    @Test
    void build_timeoutOutOfRange_refusedNamingValueAndRange() {
        assertRefused(() -> SessionSettings.builder().timeout(Duration.ZERO).build(),
                "not 0", "between 1 and 31536000 (365 days)");
        assertRefused(() -> SessionSettings.builder().timeout(Duration.ofSeconds(Integer.MAX_VALUE)).build(),
                "2147483647", "between 1 and 31536000 (365 days)");
        assertRefused(() -> canonical(Duration.ZERO, DEFAULTS.keyPrefix(), DEFAULTS.cookieName(),
                DEFAULTS.cookieSameSite(), DEFAULTS.nearCacheMaxEntries(), DEFAULTS.nearCacheMaxAge(),
                DEFAULTS.failureStatus()), "not 0", "between 1 and 31536000 (365 days)");
        assertRefused(() -> canonical(Duration.ofSeconds(Integer.MAX_VALUE), DEFAULTS.keyPrefix(),
                DEFAULTS.cookieName(), DEFAULTS.cookieSameSite(), DEFAULTS.nearCacheMaxEntries(),
                DEFAULTS.nearCacheMaxAge(), DEFAULTS.failureStatus()), "2147483647", "between 1 and 31536000 (365 days)");
    }

    @Test
    void build_principalAttributeWithControlCharactersOrTooLong_refusedNamingTheRule() {
        assertRefused(() -> SessionSettings.builder().principalAttribute("e\nmail").build(),
                "principal attribute", "without control characters");
        assertRefused(() -> SessionSettings.builder().principalAttribute("x".repeat(257)).build(),
                "principal attribute", "at most 256 characters");
        assertEquals("email", SessionSettings.builder().principalAttribute("email").build().principalAttribute());
    }

    @Test
    void build_timeoutAtTheLimits_accepted() {
        assertEquals(Duration.ofSeconds(1), SessionSettings.builder().timeout(Duration.ofSeconds(1)).build().timeout());
        assertEquals(Duration.ofDays(365), SessionSettings.builder().timeout(Duration.ofDays(365)).build().timeout());
    }

    @Test
    void build_badKeyPrefix_refusedNamingValueAndRule() {
        for (String prefix : new String[] {"", "a{b", "a}b", "a b"}) {
            String[] expected = {"'" + prefix + "'", "must not be empty", "whitespace", "'{' or '}'"};
            assertRefused(() -> SessionSettings.builder().keyPrefix(prefix).build(), expected);
            assertRefused(() -> canonical(DEFAULTS.timeout(), prefix, DEFAULTS.cookieName(), DEFAULTS.cookieSameSite(),
                    DEFAULTS.nearCacheMaxEntries(), DEFAULTS.nearCacheMaxAge(), DEFAULTS.failureStatus()), expected);
        }
    }

    @Test
    void build_badCookieName_refusedNamingValueAndRule() {
        for (String name : new String[] {"a;b", "a b", ""}) {
            String[] expected = {"'" + name + "'", "cookie token"};
            assertRefused(() -> SessionSettings.builder().cookieName(name).build(), expected);
            assertRefused(() -> canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), name, DEFAULTS.cookieSameSite(),
                    DEFAULTS.nearCacheMaxEntries(), DEFAULTS.nearCacheMaxAge(), DEFAULTS.failureStatus()), expected);
        }
    }

    @Test
    void build_unknownSameSite_refusedNamingValueAndChoices() {
        assertRefused(() -> SessionSettings.builder().cookieSameSite("Sometimes").build(),
                "'Sometimes'", "Strict, Lax or None");
        assertRefused(() -> canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), DEFAULTS.cookieName(), "Sometimes",
                DEFAULTS.nearCacheMaxEntries(), DEFAULTS.nearCacheMaxAge(), DEFAULTS.failureStatus()),
                "'Sometimes'", "Strict, Lax or None");
    }

    @Test
    void build_sameSiteInAnyCase_normalised() {
        assertEquals("Strict", SessionSettings.builder().cookieSameSite("strict").build().cookieSameSite());
        assertEquals("Lax", SessionSettings.builder().cookieSameSite("LAX").build().cookieSameSite());
        assertEquals("None", SessionSettings.builder().cookieSameSite("nOnE").build().cookieSameSite());
        assertEquals("Strict", canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), DEFAULTS.cookieName(), "strict",
                DEFAULTS.nearCacheMaxEntries(), DEFAULTS.nearCacheMaxAge(), DEFAULTS.failureStatus()).cookieSameSite());
    }

    @Test
    void build_nearCacheMaxEntriesZero_refusedNamingValueAndRange() {
        assertRefused(() -> SessionSettings.builder().nearCacheMaxEntries(0).build(), "not 0", "at least 1");
        assertRefused(() -> canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), DEFAULTS.cookieName(),
                DEFAULTS.cookieSameSite(), 0, DEFAULTS.nearCacheMaxAge(), DEFAULTS.failureStatus()),
                "not 0", "at least 1");
        assertEquals(1, SessionSettings.builder().nearCacheMaxEntries(1).build().nearCacheMaxEntries());
    }

    @Test
    void build_nearCacheMaxAgeOutOfRange_refusedNamingValueAndRange() {
        assertRefused(() -> SessionSettings.builder().nearCacheMaxAge(Duration.ZERO).build(),
                "not 0 seconds", "between 1 and 3600 seconds");
        assertRefused(() -> SessionSettings.builder().nearCacheMaxAge(Duration.ofHours(2)).build(),
                "7200 seconds", "between 1 and 3600 seconds");
        assertRefused(() -> canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), DEFAULTS.cookieName(),
                DEFAULTS.cookieSameSite(), DEFAULTS.nearCacheMaxEntries(), Duration.ZERO, DEFAULTS.failureStatus()),
                "not 0 seconds", "between 1 and 3600 seconds");
        assertRefused(() -> canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), DEFAULTS.cookieName(),
                DEFAULTS.cookieSameSite(), DEFAULTS.nearCacheMaxEntries(), Duration.ofHours(2),
                DEFAULTS.failureStatus()), "7200 seconds", "between 1 and 3600 seconds");
        assertEquals(Duration.ofHours(1),
                SessionSettings.builder().nearCacheMaxAge(Duration.ofHours(1)).build().nearCacheMaxAge());
    }

    @Test
    void build_failureStatusOutsideFiveHundreds_refusedNamingValueAndRange() {
        for (int status : new int[] {404, 600}) {
            assertRefused(() -> SessionSettings.builder().failureStatus(status).build(),
                    "not " + status, "between 500 and 599");
            assertRefused(() -> canonical(DEFAULTS.timeout(), DEFAULTS.keyPrefix(), DEFAULTS.cookieName(),
                    DEFAULTS.cookieSameSite(), DEFAULTS.nearCacheMaxEntries(), DEFAULTS.nearCacheMaxAge(), status),
                    "not " + status, "between 500 and 599");
        }
        assertEquals(500, SessionSettings.builder().failureStatus(500).build().failureStatus());
        assertEquals(599, SessionSettings.builder().failureStatus(599).build().failureStatus());
    }

    @Test
    void build_redisTimeoutBelowFiftyMillis_refusedNamingValueAndMinimum() {
        assertRefused(() -> SessionSettings.builder().redisTimeout(Duration.ofMillis(49)).build(),
                "49 ms", "between 50 and 60000 ms");
        assertRefused(() -> new RedisSettings(DEFAULT_REDIS.url(), null, Duration.ofMillis(49)),
                "49 ms", "between 50 and 60000 ms");
        assertEquals(Duration.ofMillis(50),
                SessionSettings.builder().redisTimeout(Duration.ofMillis(50)).build().redis().timeout());
    }

    @Test
    void build_urlOfAnotherScheme_refusedNamingValueAndForm() {
        assertRefused(() -> SessionSettings.builder().redisUrl("http://x").build(), "http://x", "redis://host:port");
        assertRefused(() -> new RedisSettings("http://x", null, DEFAULT_REDIS.timeout()), "http://x",
                "redis://host:port");
    }

    @Test
    void build_urlWithoutScheme_refusedNamingValueAndForm() {
        assertRefused(() -> SessionSettings.builder().redisUrl("localhost:6379").build(), "localhost:6379",
                "redis://host:port");
        assertRefused(() -> new RedisSettings("localhost:6379", null, DEFAULT_REDIS.timeout()), "localhost:6379",
                "redis://host:port");
    }

    @Test
    void build_urlWithoutHost_refusedNamingValueAndForm() {
        assertRefused(() -> SessionSettings.builder().redisUrl("redis://").build(), "redis://", "redis://host:port");
        assertRefused(() -> new RedisSettings("redis://", null, DEFAULT_REDIS.timeout()), "redis://",
                "redis://host:port");
    }

    @Test
    void read_emptyKeyPrefix_refusedRatherThanTheDefault() {
        assertRefused(() -> SessionSettings.read(name -> name.equals(SessionSettings.KEY_PREFIX) ? " " : null),
                "KEY_PREFIX: the key prefix must not be empty", "leave KEY_PREFIX unset");
    }

    @Test
    void read_databaseNotANumber_refusedNamingTheForm() {
        assertRefused(() -> SessionSettings.read(name -> name.equals(SessionSettings.REDIS_URL)
                ? "redis://cache.example:6379/abc" : null), "REDIS_URL: ", "/database (a number)");
    }

    @Test
    void build_urlWithoutAScheme_refusedSuggestingRedis() {
        assertRefused(() -> SessionSettings.builder().redisUrl("cache.example:6379").build(),
                "did you mean 'redis://cache.example:6379'?");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionSettings.builder().redisUrl("user:secret@cache.example:6379").build());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void build_urlWithAnUnencodedAtSlashOrPercentInThePassword_refusedSayingHowToEncode() {
        for (String password : new String[] {"p@ss", "pa/ss", "pa?ss", "pa%zz"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SessionSettings.builder().redisUrl("redis://user:" + password + "@cache.example").build());
            assertTrue(e.getMessage().contains("write @ as %40, / as %2F"), e.getMessage());
            assertFalse(e.getMessage().contains(password), e.getMessage());
        }
    }

    @Test
    void build_unparsableUrlWithAPassword_refusedWithoutThePassword() {
        // Messages end up in logs: RedisSettings.describe() leaves the password out of them for that reason.
        String url = "redis://:pa%ss@cache.example:6379"; // a '%' not percent-encoded
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionSettings.builder().redisUrl(url).build());
        assertFalse(e.getMessage().contains("pa%ss"), "'" + e.getMessage() + "' shows the password pa%ss");
    }

    @Test
    void build_redisUrls_accepted() {
        assertEquals("rediss://user:pw@cache.example:6380/2",
                SessionSettings.builder().redisUrl("rediss://user:pw@cache.example:6380/2").build().redis().url());
        assertEquals("redis://cache.example",
                SessionSettings.builder().redisUrl("redis://cache.example").build().redis().url());
    }

    @Test
    void build_redissonConfigMissingOrAFolder_refusedNamingThePath() {
        Path missing = folder.resolve("missing.yaml");
        assertRefused(() -> SessionSettings.builder().redissonConfig(missing).build(), missing.toString(),
                "no such file");
        assertRefused(() -> SessionSettings.builder().redissonConfig(folder).build(), folder.toString(),
                "a folder, not a Redisson YAML file");
        assertRefused(() -> new RedisSettings(DEFAULT_REDIS.url(), missing, DEFAULT_REDIS.timeout()),
                missing.toString(), "no such file");
        assertRefused(() -> new RedisSettings(DEFAULT_REDIS.url(), folder, DEFAULT_REDIS.timeout()),
                folder.toString(), "a folder, not a Redisson YAML file");
    }

    @Test
    void build_redissonConfigFile_acceptedAndWinsOverAnyUrl() throws IOException {
        Path yaml = redissonYaml();
        SessionSettings settings = SessionSettings.builder().redissonConfig(yaml).redisUrl("http://x").build();
        assertEquals(yaml, settings.redis().configFile());
    }

    @Test
    void build_allowedClassesWithSpaces_stripped() {
        assertEquals("com.example.*;org.example.Cart",
                SessionSettings.builder().allowedClasses("  com.example.*;org.example.Cart \n").build()
                        .allowedClasses());
    }

    @Test
    void toBuilder_build_equalSettings() throws IOException {
        SessionSettings settings = everythingChanged(redissonYaml());
        assertEquals(settings, settings.toBuilder().build());
        assertEquals(DEFAULTS, DEFAULTS.toBuilder().build());
    }

    @Test
    void toBuilder_oneChange_onlyThatChanged() throws IOException {
        SessionSettings settings = everythingChanged(redissonYaml());
        SessionSettings changed = settings.toBuilder().failureStatus(500).build();
        assertEquals(500, changed.failureStatus());
        assertEquals(new SessionSettings(settings.timeout(), settings.keyPrefix(), settings.cookieName(),
                settings.cookieSameSite(), settings.nearCache(), settings.nearCacheMaxEntries(),
                settings.nearCacheMaxBytes(), settings.nearCacheMaxAge(), settings.allowedClasses(), settings.redis(), 500,
                settings.housekeepingInterval(), settings.replicaAcks(), settings.principalAttribute(),
                settings.sizeLimits()), changed);
    }

    // read(UnaryOperator)

    @Test
    void read_nothingSet_defaults() {
        assertEquals(DEFAULTS, SessionSettings.read(name -> null));
    }

    @Test
    void read_everySetting_readByItsName() throws IOException {
        Path yaml = redissonYaml();
        Map<String, String> values = new HashMap<>();
        values.put(SessionSettings.REDIS_URL, "rediss://cache.example:6380");
        values.put(SessionSettings.REDISSON_CONFIG, yaml.toString());
        values.put(SessionSettings.REDIS_TIMEOUT_MS, "1500");
        values.put(SessionSettings.SESSION_TIMEOUT_SECONDS, " 600 ");
        values.put(SessionSettings.KEY_PREFIX, "shop:");
        values.put(SessionSettings.SESSION_COOKIE_NAME, "SID");
        values.put(SessionSettings.SESSION_COOKIE_SAME_SITE, "strict");
        values.put(SessionSettings.SESSION_NEAR_CACHE, "off");
        values.put(SessionSettings.SESSION_NEAR_CACHE_MAX_ENTRIES, "500");
        values.put(SessionSettings.SESSION_NEAR_CACHE_MAX_BYTES, "33554432");
        values.put(SessionSettings.SESSION_NEAR_CACHE_MAX_AGE_SECONDS, "5");
        values.put(SessionSettings.SESSION_ALLOWED_CLASSES, "com.example.*");
        values.put(SessionSettings.SESSION_FAILURE_STATUS, "599");
        values.put(SessionSettings.SESSION_HOUSEKEEPING_MS, "250");
        values.put(SessionSettings.SESSION_REPLICA_ACKS, "2");
        values.put(SessionSettings.SESSION_PRINCIPAL_ATTRIBUTE, "email");
        values.put(SessionSettings.SESSION_MAX_ATTRIBUTE_BYTES, "2097152");
        values.put(SessionSettings.SESSION_MAX_BYTES, "8388608");
        assertEquals(settingNames(), values.keySet(), "a value for every setting name");
        Set<String> looked = new HashSet<>();
        SessionSettings settings = SessionSettings.read(name -> {
            looked.add(name);
            return values.get(name);
        });
        assertEquals(settingNames(), looked, "every setting name looked up");
        assertEquals(new SessionSettings(Duration.ofSeconds(600), "shop:", "SID", "Strict", false, 500, 33_554_432L,
                Duration.ofSeconds(5), "com.example.*",
                new RedisSettings("rediss://cache.example:6380", yaml, Duration.ofMillis(1500)), 599,
                Duration.ofMillis(250), OptionalInt.of(2), "email", new SizeLimits(2 << 20, 8 << 20)), settings);
    }

    @Test
    void read_onOffWords_nearCacheFollows() {
        for (String on : new String[] {"on", "true", "yes", "ON", "True"}) {
            assertTrue(SessionSettings.read(only(SessionSettings.SESSION_NEAR_CACHE, on)).nearCache(), on);
        }
        for (String off : new String[] {"off", "false", "no", "OFF", "No"}) {
            assertEquals(false, SessionSettings.read(only(SessionSettings.SESSION_NEAR_CACHE, off)).nearCache(), off);
        }
    }

    @Test
    void read_timeoutWithoutMaxAge_maxAgeIsTheDefaultForThatTimeout() {
        assertEquals(Duration.ofSeconds(30),
                SessionSettings.read(only(SessionSettings.SESSION_TIMEOUT_SECONDS, "300")).nearCacheMaxAge());
    }

    @Test
    void read_blankValuesButTheKeyPrefix_defaults() {
        assertEquals(DEFAULTS, SessionSettings.read(name -> blankUnlessKeyPrefix(name, "  ")));
        assertEquals(DEFAULTS, SessionSettings.read(name -> blankUnlessKeyPrefix(name, "")));
        assertEquals(DEFAULTS, SessionSettings.read(name -> blankUnlessKeyPrefix(name, " \t\n")));
    }

    private static String blankUnlessKeyPrefix(String name, String blank) {
        return name.equals(SessionSettings.KEY_PREFIX) ? null : blank;
    }

    @Test
    void read_redisTimeoutNotANumberOrTooShort_refusedNamingSettingAndValue() {
        assertReadRefused(SessionSettings.REDIS_TIMEOUT_MS, "ten", "not 'ten'", "between 50 and 60000 ms");
        assertReadRefused(SessionSettings.REDIS_TIMEOUT_MS, "49", "49 ms", "between 50 and 60000 ms");
    }

    @Test
    void read_sessionTimeoutOutOfRangeOrNotANumber_refusedNamingSettingAndValue() {
        assertReadRefused(SessionSettings.SESSION_TIMEOUT_SECONDS, "0", "not 0", "between 1 and 31536000 (365 days)");
        assertReadRefused(SessionSettings.SESSION_TIMEOUT_SECONDS, "30s", "not '30s'",
                "whole number of seconds between 1 and 31536000 (365 days)");
        assertReadRefused(SessionSettings.SESSION_TIMEOUT_SECONDS, "99999999999", "99999999999",
                "between 1 and 31536000 (365 days)");
    }

    @Test
    void read_nearCacheNeitherOnNorOff_refusedNamingSettingAndValue() {
        assertReadRefused(SessionSettings.SESSION_NEAR_CACHE, "maybe", "'maybe'", "'on' or 'off'");
    }

    @Test
    void read_badNumbers_refusedNamingSettingAndValue() {
        assertReadRefused(SessionSettings.SESSION_NEAR_CACHE_MAX_ENTRIES, "0", "not 0", "at least 1");
        assertReadRefused(SessionSettings.SESSION_NEAR_CACHE_MAX_ENTRIES, "99999999999", "99999999999",
                "at most 10000000");
        assertReadRefused(SessionSettings.SESSION_NEAR_CACHE_MAX_AGE_SECONDS, "7200", "not 7200 seconds",
                "between 1 and 3600 seconds");
        assertReadRefused(SessionSettings.SESSION_NEAR_CACHE_MAX_BYTES, "1000", "not 1000",
                "between 1048576 and 68719476736 bytes");
        assertReadRefused(SessionSettings.SESSION_FAILURE_STATUS, "404", "not 404", "between 500 and 599");
        assertReadRefused(SessionSettings.SESSION_HOUSEKEEPING_MS, "10", "not 10 ms", "between 50 and 60000 ms");
        assertReadRefused(SessionSettings.SESSION_MAX_ATTRIBUTE_BYTES, "100", "not 100",
                "between 1024 and 536870912 bytes");
        assertReadRefused(SessionSettings.SESSION_MAX_ATTRIBUTE_BYTES, "1MB", "'1MB'",
                "between 1024 and 536870912 bytes");
        assertReadRefused(SessionSettings.SESSION_MAX_BYTES, "1024", "not 1024",
                "between the largest attribute value (SESSION_MAX_ATTRIBUTE_BYTES, 1048576) and 536870912 bytes");
    }

    @Test
    void read_sizeLimits_sessionLimitLeftUnsetFollowsALargerAttributeLimit() {
        assertEquals(SizeLimits.DEFAULT, SessionSettings.read(name -> null).sizeLimits());
        assertEquals(new SizeLimits(16 << 20, 16 << 20),
                SessionSettings.read(only(SessionSettings.SESSION_MAX_ATTRIBUTE_BYTES, "16777216")).sizeLimits());
        assertEquals(new SizeLimits(1 << 20, 64 << 20),
                SessionSettings.read(only(SessionSettings.SESSION_MAX_BYTES, "67108864")).sizeLimits());
        Map<String, String> sessionBelowAttribute = Map.of(SessionSettings.SESSION_MAX_ATTRIBUTE_BYTES, "8388608",
                SessionSettings.SESSION_MAX_BYTES, "2097152");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionSettings.read(sessionBelowAttribute::get));
        assertTrue(e.getMessage().startsWith(SessionSettings.SESSION_MAX_BYTES + ": ") && e.getMessage().contains(
                "(SESSION_MAX_ATTRIBUTE_BYTES, 8388608)") && e.getMessage().endsWith("not 2097152"), e.getMessage());
    }

    @Test
    void read_badTexts_refusedNamingSettingAndValue() {
        assertReadRefused(SessionSettings.KEY_PREFIX, "a b", "'a b'");
        assertReadRefused(SessionSettings.SESSION_COOKIE_NAME, "a;b", "'a;b'");
        assertReadRefused(SessionSettings.SESSION_COOKIE_SAME_SITE, "Sometimes", "'Sometimes'");
    }

    @Test
    void read_redisUrlOfAnotherScheme_refusedNamingSettingAndValue() {
        assertReadRefused(SessionSettings.REDIS_URL, "http://x", "http://x");
    }

    @Test
    void read_redissonConfigMissing_refusedNamingSettingAndPath() {
        Path missing = folder.resolve("missing.yaml");
        assertReadRefused(SessionSettings.REDISSON_CONFIG, missing.toString(), missing.toString());
    }

    @Test
    void read_redissonConfigWithAnUnusableUrl_acceptedAsTheBuilderDoes() throws IOException {
        // The builder accepts any URL next to a Redisson YAML file, which wins over it.
        Path yaml = redissonYaml();
        Map<String, String> values = Map.of(SessionSettings.REDIS_URL, "http://x",
                SessionSettings.REDISSON_CONFIG, yaml.toString());
        assertEquals(yaml, SessionSettings.read(values::get).redis().configFile());
    }

    // lookup(ServletContext) and read(ServletContext)

    @Test
    void lookup_contextParameterSystemPropertyAndEnvironment_inThatOrder() {
        String name = "PATH";
        String environment = System.getenv(name);
        assertNotNull(environment, "PATH is set in the environment");
        ServletContext context = mock(ServletContext.class);
        UnaryOperator<String> lookup = SessionSettings.lookup(context);
        String property = System.getProperty(name);
        System.setProperty(name, "from-property");
        try {
            when(context.getInitParameter(name)).thenReturn("from-context");
            assertEquals("from-context", lookup.apply(name), "a context parameter wins over a system property");
            when(context.getInitParameter(name)).thenReturn(null);
            assertEquals("from-property", lookup.apply(name), "a system property wins over the environment");
        } finally {
            if (property == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, property);
            }
        }
        assertEquals(environment, lookup.apply(name), "the environment comes last");
    }

    @Test
    void lookup_contextParameterOverEnvironment_contextParameter() {
        ServletContext context = mock(ServletContext.class);
        when(context.getInitParameter("PATH")).thenReturn("from-context");
        assertEquals("from-context", SessionSettings.lookup(context).apply("PATH"));
    }

    @Test
    void lookup_setNowhere_null() {
        String name = "SESSION_SETTINGS_TEST_UNSET_" + System.nanoTime();
        assertNull(SessionSettings.lookup(mock(ServletContext.class)).apply(name));
    }

    @Test
    void read_servletContext_readsItsParameters() {
        ServletContext context = mock(ServletContext.class);
        // Blank parameters keep the defaults and hide whatever this machine's environment holds.
        when(context.getInitParameter(org.mockito.ArgumentMatchers.anyString())).thenReturn(" ");
        when(context.getInitParameter(SessionSettings.KEY_PREFIX)).thenReturn(null);
        when(context.getInitParameter(SessionSettings.SESSION_TIMEOUT_SECONDS)).thenReturn("600");
        when(context.getInitParameter(SessionSettings.SESSION_COOKIE_NAME)).thenReturn("SID");
        when(context.getContextPath()).thenReturn("");
        assertEquals(DEFAULTS.toBuilder().timeout(Duration.ofSeconds(600)).nearCacheMaxAge(null).cookieName("SID")
                .keyPrefix("sessionstore:ROOT:").build(), SessionSettings.read(context));
    }

    @Test
    void applicationKeyPrefix_displayNameElseContextPath_sanitised() {
        ServletContext named = mock(ServletContext.class);
        when(named.getServletContextName()).thenReturn(" Servlet and JSP {Examples} ");
        when(named.getContextPath()).thenReturn("/examples");
        assertEquals("sessionstore:Servlet_and_JSP__Examples_:", SessionSettings.applicationKeyPrefix(named));

        ServletContext unnamed = mock(ServletContext.class);
        when(unnamed.getContextPath()).thenReturn("/shop/v2");
        assertEquals("sessionstore:shop/v2:", SessionSettings.applicationKeyPrefix(unnamed));

        ServletContext root = mock(ServletContext.class);
        when(root.getServletContextName()).thenReturn(" ");
        when(root.getContextPath()).thenReturn("");
        assertEquals("sessionstore:ROOT:", SessionSettings.applicationKeyPrefix(root));
    }

    @Test
    void read_servletContextWithKeyPrefix_itWinsOverTheApplicationsOwn() {
        ServletContext context = mock(ServletContext.class);
        when(context.getInitParameter(org.mockito.ArgumentMatchers.anyString())).thenReturn(" ");
        when(context.getInitParameter(SessionSettings.KEY_PREFIX)).thenReturn("shared:");
        when(context.getContextPath()).thenReturn("/shop");
        assertEquals("shared:", SessionSettings.read(context).keyPrefix());
    }

    @Test
    void read_servletContextWithABadValue_refusedNamingSetting() {
        ServletContext context = mock(ServletContext.class);
        when(context.getInitParameter(org.mockito.ArgumentMatchers.anyString())).thenReturn(" ");
        when(context.getInitParameter(SessionSettings.KEY_PREFIX)).thenReturn(null);
        when(context.getInitParameter(SessionSettings.SESSION_FAILURE_STATUS)).thenReturn("404");
        when(context.getContextPath()).thenReturn("");
        assertRefused(() -> SessionSettings.read(context), SessionSettings.SESSION_FAILURE_STATUS + ": ", "404");
    }

    private static SessionSettings canonical(Duration timeout, String keyPrefix, String cookieName, String sameSite,
                                             int maxEntries, Duration maxAge, int failureStatus) {
        return new SessionSettings(timeout, keyPrefix, cookieName, sameSite, true, maxEntries, 64L << 20, maxAge, "",
                DEFAULT_REDIS, failureStatus, Duration.ofMillis(500), OptionalInt.empty(), "", SizeLimits.DEFAULT);
    }

    private static SessionSettings everythingChanged(Path yaml) {
        return SessionSettings.builder().timeout(Duration.ofSeconds(600)).keyPrefix("shop:").cookieName("SID")
                .cookieSameSite("None").nearCache(false).nearCacheMaxEntries(5).nearCacheMaxAge(Duration.ofSeconds(9))
                .allowedClasses("com.example.*").redisUrl("rediss://cache.example:6380").redissonConfig(yaml)
                .redisTimeout(Duration.ofMillis(1500)).failureStatus(599).replicaAcks(OptionalInt.of(1))
                .principalAttribute("user").maxAttributeBytes(4096).maxSessionBytes(8192).build();
    }

    private Path redissonYaml() throws IOException {
        return Files.writeString(folder.resolve("redisson.yaml"),
                "singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n");
    }

    /** The values of SessionSettings' public String constants: the names of the settings. */
    private static Set<String> settingNames() {
        return Arrays.stream(SessionSettings.class.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(SessionSettingsTest::value)
                .collect(Collectors.toSet());
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static UnaryOperator<String> only(String name, String value) {
        return key -> key.equals(name) ? value : null;
    }

    private static void assertReadRefused(String name, String value, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionSettings.read(only(name, value)), name + "=" + value);
        assertTrue(e.getMessage().startsWith(name + ": "), "'" + e.getMessage() + "' starts with " + name + ": ");
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' contains " + fragment);
        }
    }

    private static void assertRefused(Executable build, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' contains " + fragment);
        }
    }
}
