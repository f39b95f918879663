package dev.panamax.testing;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

/**
 * Where a conformance case puts the input tensors it makes: fresh tensors of their own
 * ({@link #FRESH}), or views at awkward offsets in larger allocations (the view cases), so that
 * one case checks an op both ways. The tensor is the caller's to close; closing it must free
 * whatever the placement allocated for it.
 */
@FunctionalInterface
public interface Placement {
    /** Fresh tensors, exactly as {@link Data#tensor} makes them. */
    Placement FRESH = Data::tensor;

    /** Elements of NaN after each view of {@link #offsetBy}: a kernel that reads past its view gets NaN into its results. */
    int TAIL = 37;

    /** A tensor of {@code dtype} and {@code shape} on {@code device} holding {@code values} rounded to it. */
    Tensor tensor(Device device, DType dtype, float[] values, long... shape);

    /**
     * Views {@code pad} elements into a 1-D allocation, {@code base.slice(pad, pad + n).reshape(shape)},
     * with NaN before and {@link #TAIL} NaN after; the base and the slice are closed at once, so the
     * view alone keeps the memory, and closing it frees the allocation. {@code pad} 1 puts F16 and
     * BF16 data 2 bytes off a 64-byte aligned start (never 16-byte aligned); 256 puts every dtype
     * at a multiple of 512 bytes.
     */
    static Placement offsetBy(long pad) {
        return (device, dtype, values, shape) -> {
            float[] all = Data.filled((int) pad + values.length + TAIL, Float.NaN);
            System.arraycopy(values, 0, all, (int) pad, values.length);
            try (Tensor base = Data.tensor(device, dtype, all, all.length); Tensor slice = base.slice(pad, pad + values.length)) {
                return slice.reshape(shape);
            }
        };
    }
}
