/**
 * The OpenCL backend: {@code opencl:N} is the N-th device of every platform the ICD loader lists,
 * GPUs first. Reached through {@code dev.panamax.bindings.opencl}; kernels are the OpenCL C 1.2
 * sources packed from {@code kernels/opencl}, built per device on first use and kept.
 *
 * <p>Ownership: an {@code OpenClDevice} owns its context, its in-order queue and its programs for
 * the life of the JVM (devices are opened once per spec). Each {@code cl_mem} belongs to one
 * {@code Allocation} (released by {@code free}) or to one call (attention's scratch, released
 * after its last enqueue: OpenCL keeps it alive for the commands that use it). A kernel object
 * belongs to its program's pool and is lent to one launch at a time. Events exist only inside a
 * timed launch, which releases them. Host memory for arguments and info queries comes from a
 * confined arena per call. Every {@code cl_int} status is checked by {@link dev.panamax.opencl.ClErrors}.
 */
package dev.panamax.opencl;
