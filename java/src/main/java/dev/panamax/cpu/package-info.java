/**
 * The CPU backend: tensors in native memory (one shared arena per allocation, 64-byte aligned),
 * kernels in Java on a fork-join pool of {@code panamax.cpu.threads} workers.
 *
 * <p>Kernels: {@code CpuGemm}, {@code CpuSoftmax}, {@code CpuAttention}, {@code CpuTopK} drive
 * the work (blocking, packing, threads); the arithmetic sits behind small interfaces
 * ({@code GemmKernel}, {@code SoftmaxRow}, {@code AttentionTiles}) with a Vector API
 * implementation ({@code Vector*} classes) and a scalar one, chosen once per JVM by
 * {@code CpuSimd}. Only the {@code Vector*} classes and {@code Transpose16} touch
 * {@code jdk.incubator.vector}, so the scalar path runs where the module is absent.
 *
 * <p>Determinism: work is split over outputs, never over a reduction, and every reduction runs
 * in an order fixed by the shape (GEMM's inner dimension in kc blocks, softmax's long rows in
 * fixed chunks, attention's key splits by a count from the shape, lanes summed left to right
 * instead of by {@code reduceLanes(ADD)}), so the same inputs give the same bits whatever the
 * thread count or timing.
 *
 * <p>Ownership: each {@code CpuMemory}'s arena belongs to its {@code Allocation}; kernels borrow
 * the segments for one call and keep nothing. Scratch buffers are per call or per worker chunk
 * (a few small per-thread arrays in {@code ThreadLocal}s), never per element. Kernels return
 * when their work is done, so the device has no queue.
 */
package dev.panamax.cpu;
