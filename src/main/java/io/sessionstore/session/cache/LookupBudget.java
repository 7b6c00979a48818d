package io.sessionstore.session.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether background sends keep near-cache entries confirmed by version lookups, decided from what the lookups
 * yield: the requests they let be served from memory, per lookup.
 *
 * <p>A lookup costs Redis about 1.3 µs and this node 3 to 4 µs of CPU, and the scan of the near cache that picks the
 * sessions to look up up to about 0.5 µs per cached session under load; a load that a lookup spares costs Redis
 * about 17 µs and this node 60 to 85 µs ({@code src/bench/bench.sh}, README "Performance"). So lookups pay while at
 * least one in 20 of them ({@value #MIN_YIELD}) spares a load. The lookups are the sessions a send's scan finds used
 * within the lookup window; the loads they spare are the requests for an entry that this node last used at least
 * the trust period and less than the window before (served from memory with lookups, loaded without). Both are
 * counted whether lookups are made or not: while they are off, one send in {@value #SENDS_PER_ADJUSTMENT} scans, to
 * count. Users who come back every few seconds spare a load for every few lookups; users who come back every 20 s
 * or so, as with many users per node, one for about 40, and the lookups cost more than they save.
 *
 * <p>Every {@value #SENDS_PER_ADJUSTMENT} sends, once the lookups counted reach {@value #MIN_SAMPLE}, sends look up to
 * {@code max} sessions while the yield was at least {@value #MIN_YIELD}, and none while it was less. A send after an
 * interval without requests counts nothing: a pause in the traffic says nothing of how often its users come back.
 *
 * <p>Thread-safe; asked once per send, on the store's background thread.
 */
final class LookupBudget {

    /** Loads spared per lookup below which lookups cost more than they save. */
    static final double MIN_YIELD = 0.05;
    static final int SENDS_PER_ADJUSTMENT = 10;
    static final long MIN_SAMPLE = 2_000;

    private static final Logger log = LoggerFactory.getLogger(LookupBudget.class);

    private final int max;
    private int perSend;
    private long lookups;
    private long spared;
    private int sends;

    /** @param max lookups per send at the most, and at first; at least 1 */
    LookupBudget(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("Lookups per send at most: " + max);
        }
        this.max = max;
        this.perSend = max;
    }

    /** The lookups the next send may make: {@code max} or 0. */
    synchronized int perSend() {
        return perSend;
    }

    /** Whether the next send scans the near cache: always while lookups are on, one send per adjustment while off. */
    synchronized boolean scans() {
        return perSend > 0 || sends == 0;
    }

    /**
     * Records a send.
     *
     * @param lookups  the sessions its scan found worth looking up, however many it may look up; ignored when it did
     *                 not {@linkplain #scans scan}
     * @param spared   requests since the last send that lookups served, or would have served, from memory
     * @param requests requests since the last send that asked the near cache for a session, served or not
     */
    synchronized void sent(long lookups, long spared, long requests) {
        boolean scanned = scans();
        if (requests > 0) {
            // While off, the one scan stands for the sends of the whole adjustment.
            this.lookups += scanned ? (perSend > 0 ? lookups : lookups * SENDS_PER_ADJUSTMENT) : 0;
            this.spared += spared;
        }
        if (++sends < SENDS_PER_ADJUSTMENT) {
            return;
        }
        sends = 0;
        if (this.lookups < MIN_SAMPLE) {
            return;
        }
        double yield = (double) this.spared / this.lookups;
        int before = perSend;
        perSend = yield >= MIN_YIELD ? max : 0;
        if (perSend != before) {
            log.debug("Near cache version lookups {}: {} loads spared per lookup", perSend > 0 ? "on" : "off",
                    String.format("%.3f", yield));
        }
        this.lookups = 0;
        this.spared = 0;
    }
}
