package io.sessionstore.session;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/** A warning logged at most once per interval: an outage that fails every request still writes one line a while. */
public final class RateLimitedWarning {

    private final Logger log;
    private final long intervalMillis;
    private final AtomicLong lastMillis = new AtomicLong(Long.MIN_VALUE / 2);

    public RateLimitedWarning(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalMillis = intervalMillis;
    }

    public void warn(String format, Object... arguments) {
        long now = System.currentTimeMillis();
        long last = lastMillis.get();
        if (now - last >= intervalMillis && lastMillis.compareAndSet(last, now)) {
            log.warn(format, arguments);
        }
    }
}
