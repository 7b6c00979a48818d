package io.sessionstore.session.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What request threads hand to the background: per session, its latest access not yet sent (a touch), its due
 * time to add to the expiry index, its removal from its principal's index after it ended, and deletes that could
 * not be sent when they were made (sent until Redis takes them). Many accesses to one session between two sends make one touch. Bounded: past
 * {@code maxTouches} sessions waiting, further touches are dropped (an attacker's flood of made-up ids must not grow
 * memory), which only lets a session served from a copy look idle for one interval longer. Thread-safe.
 */
final class CoalescedWrites {

    /** What one send carries. */
    record Drained(Map<String, Long> touches, Map<String, Long> dueTimes, Set<String> deletes,
                   Map<String, String> unindexed) {
        boolean isEmpty() {
            return touches.isEmpty() && dueTimes.isEmpty() && deletes.isEmpty() && unindexed.isEmpty();
        }
    }

    private final int maxTouches;
    private volatile Map<String, Long> touches = new ConcurrentHashMap<>();
    private final Map<String, Long> dueTimes = new ConcurrentHashMap<>();
    private final Set<String> deletes = ConcurrentHashMap.newKeySet();
    /** Session id to the principal whose index it leaves. */
    private final Map<String, String> unindexed = new ConcurrentHashMap<>();

    CoalescedWrites(int maxTouches) {
        this.maxTouches = maxTouches;
    }

    /** @return false when the touch was dropped, the limit being reached */
    boolean touch(String id, long at) {
        Map<String, Long> current = touches;
        if (current.size() >= maxTouches && !current.containsKey(id)) {
            return false;
        }
        current.merge(id, at, Math::max);
        return true;
    }

    /** A session to index as due at {@code due} (epoch milliseconds); the latest due time given wins. */
    void index(String id, long due) {
        dueTimes.put(id, due);
    }

    /** A session that ended, to remove from the index of {@code principal}. */
    void unindex(String id, String principal) {
        unindexed.put(id, principal);
    }

    /** A session to delete, sent again with every send until one succeeds. */
    void delete(String id) {
        deletes.add(id);
    }

    /**
     * Takes everything waiting; what arrives meanwhile goes with the next send, except that a touch racing the
     * swap may be missed (the session's next access touches it again).
     */
    synchronized Drained drain() {
        Map<String, Long> sentTouches = touches;
        touches = new ConcurrentHashMap<>();
        Map<String, Long> sentDueTimes = Map.copyOf(dueTimes);
        sentDueTimes.forEach((id, due) -> dueTimes.remove(id, due)); // a newer due time stays
        Set<String> sentDeletes = Set.copyOf(deletes);
        deletes.removeAll(sentDeletes);
        Map<String, String> sentUnindexed = Map.copyOf(unindexed);
        sentUnindexed.forEach(unindexed::remove);
        return new Drained(sentTouches, sentDueTimes, sentDeletes, sentUnindexed);
    }

    /**
     * A send failed: its index entries, removals and deletes wait for the next one (unless newer index entries
     * came); its touches are dropped.
     */
    void failed(Drained drained) {
        drained.dueTimes().forEach(dueTimes::putIfAbsent);
        drained.unindexed().forEach(unindexed::putIfAbsent);
        deletes.addAll(drained.deletes());
    }
}
