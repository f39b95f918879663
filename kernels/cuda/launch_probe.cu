// Probe kernels of the CUDA backend itself (owned by the backend, not by an op family).
//
//   empty_kernel        no parameters, no work: what one launch costs, for the launch-overhead
//                       benchmark (ours against JCuda, the same fatbin).
//   panamax_arch_probe  one thread writes which code the driver loaded from this fatbin:
//                       out[0] = __CUDA_ARCH__ of the cubin or PTX it came from (900 for sm_90),
//                       out[1] = 1 when it is an architecture-specific build (sm_90a), else 0.
//                       With the device's compute capability that tells a cubin from a PTX JIT.

#include "params.cuh"  // ArchProbeParams

extern "C" __global__ void empty_kernel() {}

extern "C" __global__ void panamax_arch_probe(ArchProbeParams p) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        unsigned int* out = reinterpret_cast<unsigned int*>(p.out);
#if defined(__CUDA_ARCH__)
        out[0] = __CUDA_ARCH__;
#else
        out[0] = 0;
#endif
#if defined(__CUDA_ARCH_SPECIFIC__) || defined(__CUDA_ARCH_FEAT_SM90_ALL)
        out[1] = 1;
#else
        out[1] = 0;
#endif
    }
}
