/**
 * JMH benchmarks of the cost of an OpenCL call through our FFM bindings beside the same calls
 * through JOCL (JNI) on the same device: kernel arguments, a trivial launch, a small copy. Each
 * side owns the context, queue, buffers and kernels it makes and releases them at tear-down.
 */
package dev.panamax.jmh.opencl;
