package io.sessionstore.session.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LookupBudgetTest {

    private static final int ADJUSTMENT = LookupBudget.SENDS_PER_ADJUSTMENT;

    private final LookupBudget budget = new LookupBudget(20_000);

    @Test
    void perSend_atFirst_theMaxEverySendScanning() {
        assertEquals(20_000, budget.perSend());
        for (int i = 0; i < 3 * ADJUSTMENT; i++) {
            assertTrue(budget.scans());
            budget.sent(10, 10, 100);
        }
    }

    @Test
    void sent_lookupsSparingTooFewLoads_off() {
        adjustment(1_000, 490); // 4.9 % of the lookups spared a load
        assertEquals(0, budget.perSend());
    }

    @Test
    void sent_whileOff_oneSendPerAdjustmentScansAndStandsForAll() {
        adjustment(1_000, 0);
        assertEquals(0, budget.perSend());
        assertTrue(budget.scans());
        budget.sent(1_000, 0, 100);
        for (int i = 1; i < ADJUSTMENT; i++) {
            assertFalse(budget.scans());
            budget.sent(0, i == ADJUSTMENT - 1 ? 500 : 0, 100); // 500 for 10 x 1,000: 5 %
        }
        assertEquals(20_000, budget.perSend(), "the requests lookups would have served, counted while off");
    }

    @Test
    void sent_sendsWithoutRequests_countNothing() {
        for (int i = 0; i < 3 * ADJUSTMENT; i++) {
            budget.sent(1_000, 0, 0); // a pause: the sessions used before it do not come back meanwhile
        }
        assertEquals(20_000, budget.perSend());
        adjustment(1_000, 0);
        assertEquals(0, budget.perSend(), "requests that do not come back to their sessions: off");
        for (int i = 0; i < 3 * ADJUSTMENT; i++) {
            budget.sent(1_000, 0, 0);
        }
        assertEquals(0, budget.perSend(), "and off through a pause too");
    }

    @Test
    void sent_fewerLookupsThanASample_decidedOnceThereAreEnough() {
        for (int i = 0; i < 3 * ADJUSTMENT; i++) {
            budget.sent(50, 0, 100); // 1,500 in all: too few to tell
        }
        assertEquals(20_000, budget.perSend());
        for (int i = 0; i < ADJUSTMENT; i++) {
            budget.sent(50, 0, 100);
        }
        assertEquals(0, budget.perSend());
    }

    @Test
    void new_maxUnderOne_refused() {
        assertThrows(IllegalArgumentException.class, () -> new LookupBudget(0));
    }

    /** One adjustment's sends while on, of {@code lookups} each, the last reporting {@code spared} loads. */
    private void adjustment(int lookups, long spared) {
        for (int i = 1; i <= ADJUSTMENT; i++) {
            budget.sent(lookups, i == ADJUSTMENT ? spared : 0, 100);
        }
    }
}
