package dev.panamax;

/**
 * The result of {@link Ops#topKGating}: per token, the chosen experts' weights [T, k] (F32) and
 * their indices [T, k] (I32), by descending probability.
 */
public record Routing(Tensor weights, Tensor experts) implements AutoCloseable {
    /** Closes both tensors. */
    @Override
    public void close() {
        try (Tensor w = weights; Tensor e = experts) {
            // try-with-resources closes both, the second even when the first fails
        }
    }
}
