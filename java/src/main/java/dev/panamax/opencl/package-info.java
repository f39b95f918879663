/**
 * The OpenCL backend: {@code opencl:N} is the N-th device of every platform the ICD loader lists,
 * GPUs first. Reached through {@code dev.panamax.bindings.opencl}; kernels are the OpenCL C 1.2
 * sources packed from {@code kernels/opencl}, built per device on first use and kept.
 *
 * <p>Ownership: an {@code OpenClDevice} owns its context, its in-order queue and its programs for
 * the life of the JVM (devices are opened once per spec). Each {@code cl_mem} belongs to one
 * {@code Allocation} (released by {@code free}) or to one call (attention's scratch, released
 * after its last enqueue: OpenCL keeps it alive for the commands that use it), and so does each
 * sub-buffer or staging copy made for a view argument of one launch ({@code ClViews}). A kernel object
 * belongs to its program's pool and is lent to one launch at a time. Events exist only inside a
 * timed launch, which releases them. A launch's arguments and grid are written into its thread's
 * argument buffer ({@code ClArgs}, one native segment per thread, reused by every launch on it:
 * the driver copies the arguments when they are set); host memory for one-off calls (info
 * queries, builds, allocations) comes from a confined arena per call. Every {@code cl_int} status
 * is checked by {@link dev.panamax.opencl.ClErrors}.
 *
 * <p>Kernel parameters: each kernel takes its buffers, one parameter struct by value (convert.cl's
 * one scalar, a count, is a plain {@code ulong}), then its {@code __local} buffers. The structs are declared once in {@code kernels/opencl/params.h} and
 * once in Java, as the {@code StructLayout} of the class that launches them ({@code ClGemm},
 * {@code ClSoftmax}, {@code ClAttention}, {@code ClTopK}; made by
 * {@link dev.panamax.internal.KernelStruct}), whose field handles write straight into the
 * argument buffer; {@code KernelStructTest} and the header's compile-time checks keep the two alike.
 */
package dev.panamax.opencl;
