package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.testing.Data;

import java.util.List;

/**
 * One op family of the bench: which public methods of the library it times, how much work a case
 * is (FLOPs, minimum bytes moved), what limits it, and how to set it up on a device.
 * Implementations document their formulas.
 */
interface BenchOp {

    /**
     * The public methods this bench times, as {@code "Ops.gemm"} (a public static method of
     * {@code dev.panamax.Ops}, every overload of that name) or {@code "Tensor.to"} (a public method
     * of {@code dev.panamax.Tensor}). BenchCoverageTest fails when a public static method of
     * {@code Ops} is named by no bench with cases in every profile.
     */
    List<String> times();

    /** Arithmetic of one call, counting a multiply-add as 2 FLOPs; 0 for ops rated by bytes alone. */
    default double flops(Case c) {
        return 0;
    }

    /** The least bytes one call must read and write in device memory (each input once, each output once). */
    double bytes(Case c);

    default Bound bound(Case c) {
        return Bound.MEMORY;
    }

    /** Uploads seeded random inputs for {@code c} and allocates its outputs on {@code device}. */
    Prepared prepare(Device device, Case c, Data data);
}
