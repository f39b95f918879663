/**
 * The CUDA backend: NVIDIA GPUs through the driver API ({@code dev.panamax.bindings.cuda}).
 *
 * <p>{@link dev.panamax.cuda.CudaProvider} discovers ({@code CudaDriver}: libcuda, its symbols,
 * cuInit, the packed kernels; fixed for the JVM's life, and when CUDA cannot be used every open
 * says why). {@code CudaDevice} is one GPU: the primary context, retained once and never released
 * (devices live as long as the JVM); one non-blocking stream that orders every copy, memset,
 * allocation, free and launch; device memory from the stream-ordered pool. {@code CudaModules}
 * loads each packed fatbin (one per kernels/cuda source, listed in kernels.index) on first need.
 *
 * <p>Ownership: a {@code CudaMemory} is owned by the {@code Allocation} that asked for it and freed
 * once, on the stream, after the work already queued that uses it. Host segments passed to the
 * copies stay the caller's; the device reads them before copyIn returns and has written them
 * when copyOut returns.
 *
 * <p>Kernels: {@code CudaKernels} hands each op to its family ({@code CudaGemm}, {@code CudaSoftmax},
 * {@code CudaAttention}, {@code CudaTopK}, {@code CudaConvert}; written against {@code CudaLauncher}
 * through the device's {@code CudaLaunchContext}), which picks the kernel variant and fills the
 * kernel's one by-value parameter struct (kernels/cuda/params.cuh; its Java layout lives in the
 * family) in place in a per-thread native buffer ({@code LaunchParams}) that the launch hands the
 * driver.
 */
package dev.panamax.cuda;
