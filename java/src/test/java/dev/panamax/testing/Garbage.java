package dev.panamax.testing;

import dev.panamax.Backend;
import dev.panamax.internal.Allocation;

/**
 * Tests that compare a backend's live allocation count before and after some calls share the JVM
 * with tests that drop tensors for the Cleaner to free. Such garbage can be freed by any GC in
 * between (one the allocator runs itself when live bytes pass its mark, or one an out-of-memory
 * retry runs), which lowers the count for reasons the test is not about. {@link #settle} frees it
 * first.
 */
public final class Garbage {
    private Garbage() {
    }

    /**
     * Runs the GC until the backend's live allocation count has stood still for three rounds of
     * 20 ms (at most 4 s), so that what earlier tests dropped has been freed; returns that count.
     */
    public static long settle(Backend backend) {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 200 && still < 3; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Cleaner", e);
            }
            long now = Allocation.liveCount(backend);
            still = now == last ? still + 1 : 0;
            last = now;
        }
        return last;
    }
}
