/**
 * The CUDA driver API ({@code libcuda.so.1}) in jextract's output shape: {@link
 * dev.panamax.bindings.cuda.cuda_h} holds one static method per C function, with its {@code
 * $descriptor()}, {@code $handle()} and {@code $address()}; each symbol is linked on first use
 * through a holder class and called with {@code invokeExact}. Names are the versioned symbols
 * that {@code cuda.h}'s macros select ({@code cuMemAlloc_v2}, {@code cuStreamDestroy_v2}, ...).
 *
 * <p>No logic and no ownership: every pointer argument is the caller's memory, and every handle
 * returned (context, module, stream, event, device pointer) is the caller's to release.
 * {@link dev.panamax.bindings.cuda.CudaLibrary} opens the library and reports why it cannot.
 */
package dev.panamax.bindings.cuda;
