package dev.panamax.internal;

import java.util.function.Consumer;

/** Closes every item even when some fail: the first failure is thrown, later ones suppressed into it. */
public final class Closing {
    private Closing() {
    }

    /** Applies {@code close} to each item, in order; throws the first RuntimeException after all were tried. */
    public static <T> void all(Iterable<T> items, Consumer<? super T> close) {
        RuntimeException failure = null;
        for (T item : items) {
            try {
                close.accept(item);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
