package dev.panamax;

/** The kind of device a {@link Device} runs its kernels on. */
public enum Backend {
    /** Java kernels on the host's cores (Vector API when present). */
    CPU,
    /** Hand-written OpenCL C kernels through libOpenCL. */
    OPENCL,
    /** Hand-written CUDA kernels through the CUDA driver API (libcuda). */
    CUDA
}
