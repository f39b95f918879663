package dev.panamax;

/**
 * The result of {@link Ops#topK}: the k largest values of each row (x's dtype), descending, and
 * their I32 indices.
 */
public record TopK(Tensor values, Tensor indices) implements AutoCloseable {
    /** Closes both tensors. */
    @Override
    public void close() {
        try (Tensor v = values; Tensor i = indices) {
            // try-with-resources closes both, the second even when the first fails
        }
    }
}
