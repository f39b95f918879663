package dev.panamax;

import java.util.Objects;

/**
 * A symmetric INT8 tensor with one F32 scale per row of its last dimension, as {@link Ops#quantize}
 * makes it: values I8 [..., N, K] and scales F32 [..., N], row n standing for
 * {@code values[n, :] * scales[n]}. The record checks only for null; the ops that take one check
 * its dtypes, shapes and device.
 */
public record Quantized(Tensor values, Tensor scales) implements AutoCloseable {
    public Quantized {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(scales, "scales");
    }

    /** Closes both tensors. */
    @Override
    public void close() {
        try (Tensor v = values; Tensor s = scales) {
            // try-with-resources closes both, the second even when the first fails
        }
    }
}
