/**
 * The public API of Panamax: {@link dev.panamax.Device}, {@link dev.panamax.Tensor} and the
 * {@link dev.panamax.Ops}.
 *
 * <p>Memory ownership: a tensor owns one allocation in its device's memory (native memory for
 * the CPU, device memory for OpenCL and CUDA). {@code Tensor.close()} frees it; closing the
 * {@code Device} handle it was made on frees every tensor still open on that handle; a tensor that
 * becomes unreachable without being closed is freed by a cleaner. An op holds its arguments'
 * memory for as long as it runs, so a close racing with an op frees only when the op is done.
 * Host segments passed in ({@code tensor(MemorySegment, ...)}, {@code copyFrom}, {@code copyTo})
 * stay the caller's: they are read or written during the call, never kept.
 */
package dev.panamax;
