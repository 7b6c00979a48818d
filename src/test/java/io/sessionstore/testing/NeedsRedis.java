package io.sessionstore.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that talks to Redis (the shared test Redis or a private one). Tagged {@code redis}, so that the fast
 * tests run alone with {@code mvn test -DexcludedGroups=redis}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("redis")
public @interface NeedsRedis {
}
