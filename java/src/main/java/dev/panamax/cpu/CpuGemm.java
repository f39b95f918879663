package dev.panamax.cpu;

import dev.panamax.internal.Kernels;

/** PLACEHOLDER: the CPU gemm kernel is being written. */
final class CpuGemm {
    private CpuGemm() {
    }

    static void run(CpuPool pool, Kernels.Gemm call) {
        throw new UnsupportedOperationException("cpu gemm: not written yet");
    }
}
