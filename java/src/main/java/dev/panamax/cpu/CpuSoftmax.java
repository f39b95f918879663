package dev.panamax.cpu;

import dev.panamax.internal.Kernels;

/** PLACEHOLDER: the CPU softmax kernel is being written. */
final class CpuSoftmax {
    private CpuSoftmax() {
    }

    static void run(CpuPool pool, Kernels.Softmax call) {
        throw new UnsupportedOperationException("cpu softmax: not written yet");
    }
}
