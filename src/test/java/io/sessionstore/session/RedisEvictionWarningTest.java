package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.LogCapture;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import java.util.List;
import java.util.logging.Level;
import org.apache.catalina.Context;
import org.junit.jupiter.api.Test;

/**
 * The filter starts on a Redis whose {@code maxmemory-policy} can evict sessions: one warning that names the policy
 * and what to set; none under {@code noeviction}.
 */
@NeedsRedis
class RedisEvictionWarningTest {


    @Test
    void init_redisThatEvictsAnyKey_oneWarningNamingThePolicyAndTheFix() throws Exception {
        List<String> warnings = warningsOfAStartOn("allkeys-lru");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("maxmemory-policy is allkeys-lru"), warnings.get(0));
        assertTrue(warnings.get(0).contains("set maxmemory-policy noeviction"), warnings.get(0));
    }

    @Test
    void init_redisThatEvictsKeysWithATtl_oneWarning() throws Exception {
        List<String> warnings = warningsOfAStartOn("volatile-lru");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("the least recently used first"), warnings.get(0));
    }

    @Test
    void init_noEviction_noWarning() throws Exception {
        assertEquals(List.of(), warningsOfAStartOn("noeviction"));
    }

    /** The filter's warnings while an application starts with it on a private Redis of this policy (100 MB). */
    private static List<String> warningsOfAStartOn(String policy) throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
             RespClient admin = redis.client();
             TestTomcat tomcat = TestTomcat.create()) {
            admin.call("CONFIG", "SET", "maxmemory", "100mb");
            admin.call("CONFIG", "SET", "maxmemory-policy", policy);
            Context context = tomcat.addRootContext();
            TestTomcat.filterEveryPath(context,
                    new SessionFilter(SessionSettings.builder().redisUrl(redis.url()).build()), DispatcherType.REQUEST);
            try (LogCapture log = LogCapture.of(SessionFilter.class, Level.WARNING)) {
                tomcat.start();
                return log.messages();
            }
        }
    }
}
