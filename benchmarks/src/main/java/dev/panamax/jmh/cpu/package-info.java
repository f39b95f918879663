/**
 * JMH benchmarks of the CPU backend beside its peers, measured in the same run: GEMM beside
 * OpenBLAS {@code cblas_sgemm} called through FFM (skipped, with how to install it, when
 * {@code libopenblas.so.0} is absent), softmax beside a {@code MemorySegment.copy} of the same
 * bytes, attention beside our GEMM at equal FLOPs; and {@code CpuQuickBench}, a plain runner.
 * Inputs and outputs are allocated once per trial and freed at its end.
 */
package dev.panamax.jmh.cpu;
