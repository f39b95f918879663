/**
 * The CPU backend: tensors in native memory (one shared arena per allocation, 64-byte aligned),
 * kernels in Java on a fork-join pool of {@code panamax.cpu.threads} workers.
 *
 * <p>Ownership: each {@code CpuMemory}'s arena belongs to its {@code Allocation}; kernels borrow
 * the segments for one call and keep nothing. Scratch buffers are per call (or per worker
 * chunk), never per element. Kernels return when their work is done, so the device has no queue.
 */
package dev.panamax.cpu;
