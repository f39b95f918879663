/**
 * JMH benchmarks of the CPU backend beside its peers, measured in the same run: GEMM beside
 * OpenBLAS {@code cblas_sgemm} called through FFM (skipped, with how to install it, when
 * {@code libopenblas.so.0} is absent), softmax beside a {@code MemorySegment.copy} of the same
 * bytes, attention beside our GEMM at equal FLOPs. Inputs and outputs are allocated once per
 * trial and freed at its end. Run them with {@code ./panamax jmh} (JMH's own arguments follow),
 * which starts JMH without {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} so that the
 * OpenBLAS forks run its best kernel. {@code panamax bench} covers the same ops at the shapes of
 * the targets with its own warm-up and median; JMH is the harness for a closer look.
 */
package dev.panamax.jmh.cpu;
