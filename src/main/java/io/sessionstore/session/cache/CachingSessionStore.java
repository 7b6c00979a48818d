package io.sessionstore.session.cache;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.WriteResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A near cache in front of any {@link SessionStore}: sessions this node loaded or wrote recently are served from
 * memory, with no round trip, and kept coherent by an {@link InvalidationFeed}.
 *
 * <h2>Order of operations</h2>
 * <ul>
 *   <li>load: from memory when an entry may be used (see below), else from the store, then kept unless a newer
 *       version or a delete was announced while it loaded;</li>
 *   <li>write: to the store first, then the entry follows the result (see the policies). A write that fails leaves
 *       the cache as it was: the client was not told of a new version, and if the write was applied after all,
 *       its announcement drops the entry.</li>
 * </ul>
 *
 * <h2>When an entry may be used</h2>
 * The feed is subscribed, the entry is at least as new as the version the client was last told of (its version
 * cookie, so a client sees every change acknowledged to it, on whichever node made it), it is younger than
 * {@code maxAge}, the store confirmed its version less than {@code trust} ago, and the session has not expired by
 * the last access this node knows of. A cache hit is an access: it is passed on as a {@link SessionStore#touch},
 * which the store may send in the background, and what the touch finds confirms the entry or ends it.
 *
 * <h2>How stale an entry can be</h2>
 * Changes made through any node's store are announced by the feed and end entries within milliseconds. Anything
 * else is bounded by {@code trust}: a session deleted or changed behind the application's back ({@code DEL},
 * {@code FLUSHALL}, eviction), or announcements lost to a partition that the feed has not noticed yet, is served
 * from memory for at most {@code trust} after the change, because every entry is used only while a load, a write
 * or a touch of this node confirmed its version within that time. A session in steady use is confirmed by its own
 * background touches and never reloaded for it. A session used on this node within the last
 * {@value #IN_USE_TRUST_PERIODS} times {@code trust} (10 s by default) but not since the store's last background
 * send is confirmed by a version lookup in that send ({@link SessionStore#confirmVersions}), so many users who each
 * come back every few seconds are still served from memory; one idle for longer is loaded again on its next
 * request. Sends look them up only while that pays ({@link LookupBudget}): when users come back too rarely for a
 * lookup to spare a load often enough, none are looked up and sessions idle for longer than {@code trust} are
 * loaded again.
 *
 * <h2>Policies</h2>
 * <ul>
 *   <li><b>On feed loss: forget everything, serve nothing until subscribed again.</b> Announcements missed meanwhile
 *       cannot leave a stale entry behind; the cost is one load per session after every reconnection.</li>
 *   <li><b>On this node's own change: move the entry forward only from the version just before.</b> An update
 *       written as version n replaces an entry of version n-1 with the change applied, so the page after a change
 *       needs no load; any other entry is dropped, since another node's change came in between. Creates and renames
 *       are cached as written; deletes leave a tombstone so that a load racing them is not kept.</li>
 *   <li><b>On an announced change: drop the entry, keep a tombstone of the version.</b> The next request reloads; a
 *       load that started before the announcement and returns an older version is not kept.</li>
 * </ul>
 * Thread-safe.
 */
public final class CachingSessionStore implements SessionStore {

    /**
     * How recently, in periods of {@code trust}, a session must have been used for its entry to be kept confirmed.
     * Confirming one costs Redis about 1.3 µs and this node about 4 µs with each background send (twice per
     * {@code trust}), so keeping an idle entry confirmed for all 10 periods costs about as much as loading it again
     * (Redis about 17 µs, this node 60 to 85 µs); a session that comes back within a few seconds, looked up only a
     * few times, costs far less. Sessions that come back less often are loaded again.
     */
    static final int IN_USE_TRUST_PERIODS = 10;
    /**
     * Sessions looked up per send at most, the most recently used first: about 26 ms of Redis's CPU, in scripts
     * of 200 sessions, each well under a millisecond. The {@link LookupBudget} starts here.
     */
    static final int MAX_LOOKUPS_PER_SEND = 20_000;

    private final SessionStore store;
    private final InvalidationFeed feed;
    private final NearCache cache;
    private final LookupBudget lookupBudget = new LookupBudget(MAX_LOOKUPS_PER_SEND);
    private volatile NearCacheLookups lookups = NearCacheLookups.NONE;
    private final InvalidationFeed.Listener listener = new InvalidationFeed.Listener() {
        @Override
        public void subscribed() {
            cache.subscribed();
        }

        @Override
        public void lost() {
            cache.unsubscribed();
        }

        @Override
        public void announced(String id, long version) {
            cache.announced(id, version, System.currentTimeMillis());
        }
    };

    /**
     * Starts nothing: the feed is subscribed on the first load.
     *
     * @param maxEntries sessions held at most
     * @param maxBytes   the estimated heap of the sessions held at most, in bytes
     * @param maxAge     how long an entry is used after it was loaded or written
     * @param trust      how long an entry is used after the store last confirmed its version: the bound on serving
     *                   a change that was not announced; longer than the store's touch interval, or sessions in
     *                   steady use are loaded again now and then
     */
    public CachingSessionStore(SessionStore store, InvalidationFeed feed, int maxEntries, long maxBytes,
                               Duration maxAge, Duration trust) {
        this.store = store;
        this.feed = feed;
        this.cache = new NearCache(maxEntries, maxBytes, maxAge.toMillis(), trust.toMillis(),
                IN_USE_TRUST_PERIODS * trust.toMillis());
        store.addTouchListener(cache::confirmed);
        store.confirmVersions(now -> {
            List<String> ids = lookupBudget.scans() ? cache.inUse(now, lookupBudget.perSend()) : List.of();
            lookupBudget.sent(cache.takeLookupCandidates(), cache.takeIdleReturns(), cache.takeRequests());
            return ids;
        });
    }

    /** Sessions (and markers of announced changes) the near cache holds now, as estimated. Thread-safe. */
    public long nearCacheEntries() {
        return cache.size();
    }

    /** The estimated heap of what the near cache holds now, in bytes; one pass over it. Thread-safe. */
    public long nearCacheEstimatedBytes() {
        return cache.estimatedBytes();
    }

    /** Tells {@code lookups} of every load from now on, hit or miss; replaces the one told before. Thread-safe. */
    public void countLookups(NearCacheLookups lookups) {
        this.lookups = lookups;
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        feed.subscribe(listener);
        // Trust is measured at the time of the lookup: a request may ask for its session long after it arrived.
        SessionRecord cached = cache.get(id, knownVersion, now, Math.max(now, System.currentTimeMillis()));
        if (cached != null) {
            lookups.hit();
            touch(id, now);
            return Optional.of(cached.asCopy());
        }
        lookups.miss();
        long generation = cache.generation();
        Optional<SessionRecord> loaded = store.loadAndTouch(id, knownVersion, now);
        loaded.ifPresent(record -> {
            cache.put(record, generation, now);
            cache.touched(id, now); // the record is the session before this access
        });
        return loaded;
    }

    /** From the store behind: the copies of this one may miss accesses on other nodes. */
    @Override
    public OptionalLong lastAccessedTime(String id) {
        return store.lastAccessedTime(id);
    }

    /** The cached entry's last access moves on too, so that a cached session is not taken for expired. */
    @Override
    public void touch(String id, long now) {
        cache.touched(id, now);
        store.touch(id, now);
    }

    /** The store's answer: a lookup of the index, not of sessions in use, so never from the cache. */
    @Override
    public List<SessionRecord> sessionsOf(String principal) {
        return store.sessionsOf(principal);
    }

    /** Claims in the store; this node's entries of the sessions claimed go (the claim also announces them). */
    @Override
    public List<SessionRecord> claimExpired(long now, int max) {
        List<SessionRecord> claimed = store.claimExpired(now, max);
        claimed.forEach(record -> cache.announced(record.id(), 0, now));
        return claimed;
    }

    @Override
    public WriteResult write(SessionChange change) {
        long generation = cache.generation();
        long now = System.currentTimeMillis(); // what the write leaves in the store is confirmed as of before it
        WriteResult result;
        try {
            result = store.write(change);
        } catch (RuntimeException e) {
            // The outcome is unknown: a session this change deletes is not served from here any more.
            deletedId(change).ifPresent(id -> cache.announced(id, 0, System.currentTimeMillis()));
            throw e;
        }
        if (change instanceof SessionChange.Create create) {
            cache.put(create.session().stored(1), generation, now);
        } else if (change instanceof SessionChange.Update update) {
            if (result instanceof WriteResult.Written written) {
                cache.wrote(update.id(), written.version(), record -> update.applyTo(record, written.version()),
                        now);
            } else {
                cache.announced(update.id(), 0, now);
            }
        } else if (change instanceof SessionChange.Delete delete) {
            cache.announced(delete.id(), 0, now);
        } else if (change instanceof SessionChange.Rename rename) {
            cache.announced(rename.oldId(), 0, now);
            if (result instanceof WriteResult.Written) {
                cache.put(rename.session().stored(1), generation, now);
            }
        } else if (change instanceof SessionChange.Replace replace) {
            cache.announced(replace.deletedId(), 0, now);
            cache.put(replace.session().stored(1), generation, now);
        }
        return result;
    }

    private static Optional<String> deletedId(SessionChange change) {
        if (change instanceof SessionChange.Delete delete) {
            return Optional.of(delete.id());
        }
        if (change instanceof SessionChange.Rename rename) {
            return Optional.of(rename.oldId());
        }
        if (change instanceof SessionChange.Replace replace) {
            return Optional.of(replace.deletedId());
        }
        return Optional.empty();
    }

    /** Unsubscribes the feed and closes the store. */
    @Override
    public void close() {
        feed.close();
        store.close();
    }
}
