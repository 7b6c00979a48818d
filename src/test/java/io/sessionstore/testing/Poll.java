package io.sessionstore.testing;

import java.time.Duration;
import java.time.Instant;

/** Waits for a condition by polling it until a deadline: no fixed sleeps in tests. */
public final class Poll {

    /** A condition that may throw, such as a Redis or HTTP call. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Poll() {
    }

    /** @throws AssertionError naming {@code what} when the condition does not hold within {@code timeout} */
    public static void until(Duration timeout, String what, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(25);
        }
    }
}
