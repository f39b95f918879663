package dev.panamax.opencl;

import java.lang.foreign.MemorySegment;

/**
 * One OpenCL device as discovered: its platform and device handles (valid for the life of the
 * process), and whether it is a GPU (GPUs are numbered first).
 */
record ClDeviceId(MemorySegment platform, MemorySegment device, boolean gpu, String platformName) {
}
