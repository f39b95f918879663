package dev.panamax.opencl;

import java.lang.foreign.MemorySegment;

/**
 * One OpenCL device as discovered: its platform and device handles (valid for the life of the
 * process), whether it is a GPU (GPUs are numbered first) and whether it is an accelerator
 * (CL_DEVICE_TYPE_ACCELERATOR). A device that is neither is a CPU device, such as PoCL's.
 */
record ClDeviceId(MemorySegment platform, MemorySegment device, boolean gpu, String platformName, boolean accelerator) {

    ClDeviceId(MemorySegment platform, MemorySegment device, boolean gpu, String platformName) {
        this(platform, device, gpu, platformName, false);
    }

    /**
     * Whether {@code Device.best()} may choose this device: a GPU or an accelerator. An OpenCL
     * device of CPU type runs the same cores as the CPU backend, 20 to 70 times slower (PoCL here).
     */
    boolean beatsCpuBackend() {
        return gpu || accelerator;
    }
}
