/**
 * Panamax: device tensors and hand-written kernels (GEMM, softmax, attention, top-K gating) on the
 * CPU, OpenCL and CUDA, reached through java.lang.foreign. Only {@code dev.panamax} is exported;
 * the backends are internal.
 */
module dev.panamax {
    requires dev.panamax.bindings;
    // The Vector API is optional: the CPU backend uses it when the module is resolved
    // (--add-modules jdk.incubator.vector) and falls back to scalar loops otherwise.
    requires static jdk.incubator.vector;

    exports dev.panamax;
}
