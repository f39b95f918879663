package dev.panamax.cpu;

import dev.panamax.internal.Kernels;

/** PLACEHOLDER: the CPU top-K kernels are being written. */
final class CpuTopK {
    private CpuTopK() {
    }

    static void gating(CpuPool pool, Kernels.Gating call) {
        throw new UnsupportedOperationException("cpu topKGating: not written yet");
    }

    static void topK(CpuPool pool, Kernels.TopK call) {
        throw new UnsupportedOperationException("cpu topK: not written yet");
    }
}
