package dev.panamax.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The leases one call holds on its tensors' allocations: taken in order, released together by
 * try-with-resources. If taking one fails (a closed tensor), those already taken are released. Two
 * views of one allocation take two leases on it, which is fine.
 */
public final class Leases implements AutoCloseable {
    private final List<Allocation> held = new ArrayList<>(4);

    /** Leases {@code t}; {@code what} names it in the error, e.g. {@code "gemm: a"}. */
    public Leases add(TensorImpl t, String what) {
        try {
            t.acquire(what);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        held.add(t.allocation());
        return this;
    }

    @Override
    public void close() {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).release();
        }
        held.clear();
    }
}
