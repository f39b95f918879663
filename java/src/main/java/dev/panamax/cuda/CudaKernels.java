package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

/** PLACEHOLDER: the CUDA kernel set is being written (kernels/cuda/*.cu and this class). */
final class CudaKernels implements Kernels {
    private final CudaLauncher launcher;

    CudaKernels(CudaLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public void gemm(Gemm call) {
        throw new UnsupportedOperationException("cuda gemm: not written yet " + launcher);
    }

    @Override
    public void softmax(Softmax call) {
        throw new UnsupportedOperationException("cuda softmax: not written yet");
    }

    @Override
    public void attention(Attention call) {
        throw new UnsupportedOperationException("cuda attention: not written yet");
    }

    @Override
    public void topKGating(Gating call) {
        throw new UnsupportedOperationException("cuda topKGating: not written yet");
    }

    @Override
    public void topK(TopK call) {
        throw new UnsupportedOperationException("cuda topK: not written yet");
    }

    @Override
    public void convert(Memory src, DType from, Memory dst, DType to, long count) {
        throw new UnsupportedOperationException("cuda convert: not written yet");
    }
}
