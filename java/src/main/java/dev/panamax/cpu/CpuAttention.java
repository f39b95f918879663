package dev.panamax.cpu;

import dev.panamax.internal.Kernels;

/** PLACEHOLDER: the CPU attention kernel is being written. */
final class CpuAttention {
    private CpuAttention() {
    }

    static void run(CpuPool pool, Kernels.Attention call) {
        throw new UnsupportedOperationException("cpu attention: not written yet");
    }
}
