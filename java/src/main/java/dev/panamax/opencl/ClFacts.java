package dev.panamax.opencl;

import dev.panamax.bindings.opencl.OpenCL;

import java.util.LinkedHashMap;
import java.util.Map;

/** What Panamax needs to know about one OpenCL device, read once when it opens. */
record ClFacts(String name, String type, String vendor, String platform, String platformVersion, String deviceVersion,
               String openClCVersion, String driver, int computeUnits, long maxWorkGroupSize, long localMemory,
               long globalMemory, long maxAllocation, long baseAddressAlignment, boolean fp16, boolean available,
               boolean compilerAvailable) {

    /** The local memory the kernels may need at most (top-K gating stages a 4096-expert row). */
    static final long MIN_LOCAL_MEMORY = 32 * 1024;

    static ClFacts read(ClDeviceId id) {
        var d = id.device();
        String extensions = ClInfo.deviceString(d, OpenCL.CL_DEVICE_EXTENSIONS(), "CL_DEVICE_EXTENSIONS");
        return new ClFacts(
                ClInfo.deviceString(d, OpenCL.CL_DEVICE_NAME(), "CL_DEVICE_NAME"),
                id.gpu() ? "GPU" : id.accelerator() ? "accelerator" : "CPU (Device.best() prefers the cpu backend)",
                ClInfo.deviceString(d, OpenCL.CL_DEVICE_VENDOR(), "CL_DEVICE_VENDOR"),
                id.platformName(),
                ClInfo.platformString(id.platform(), OpenCL.CL_PLATFORM_VERSION(), "CL_PLATFORM_VERSION"),
                ClInfo.deviceString(d, OpenCL.CL_DEVICE_VERSION(), "CL_DEVICE_VERSION"),
                ClInfo.deviceString(d, OpenCL.CL_DEVICE_OPENCL_C_VERSION(), "CL_DEVICE_OPENCL_C_VERSION"),
                ClInfo.deviceString(d, OpenCL.CL_DRIVER_VERSION(), "CL_DRIVER_VERSION"),
                ClInfo.deviceInt(d, OpenCL.CL_DEVICE_MAX_COMPUTE_UNITS(), "CL_DEVICE_MAX_COMPUTE_UNITS"),
                ClInfo.deviceLong(d, OpenCL.CL_DEVICE_MAX_WORK_GROUP_SIZE(), "CL_DEVICE_MAX_WORK_GROUP_SIZE"),
                ClInfo.deviceLong(d, OpenCL.CL_DEVICE_LOCAL_MEM_SIZE(), "CL_DEVICE_LOCAL_MEM_SIZE"),
                ClInfo.deviceLong(d, OpenCL.CL_DEVICE_GLOBAL_MEM_SIZE(), "CL_DEVICE_GLOBAL_MEM_SIZE"),
                ClInfo.deviceLong(d, OpenCL.CL_DEVICE_MAX_MEM_ALLOC_SIZE(), "CL_DEVICE_MAX_MEM_ALLOC_SIZE"),
                // in bits: a sub-buffer's origin must be a multiple of this many bytes
                Math.max(1, ClInfo.deviceInt(d, OpenCL.CL_DEVICE_MEM_BASE_ADDR_ALIGN(), "CL_DEVICE_MEM_BASE_ADDR_ALIGN") / 8),
                extensions.contains("cl_khr_fp16"),
                ClInfo.deviceInt(d, OpenCL.CL_DEVICE_AVAILABLE(), "CL_DEVICE_AVAILABLE") != 0,
                ClInfo.deviceInt(d, OpenCL.CL_DEVICE_COMPILER_AVAILABLE(), "CL_DEVICE_COMPILER_AVAILABLE") != 0);
    }

    /** Why Panamax's kernels cannot run here, or null when they can. */
    String unusableReason() {
        if (!available) {
            return "the device reports itself unavailable (CL_DEVICE_AVAILABLE is false)";
        }
        if (!compilerAvailable) {
            return "the device has no OpenCL C compiler (CL_DEVICE_COMPILER_AVAILABLE is false); Panamax builds its kernels from source";
        }
        if (ClInfo.version(deviceVersion) < 12 || ClInfo.version(openClCVersion) < 12) {
            return "Panamax needs OpenCL 1.2, the device reports '" + deviceVersion + "' and '" + openClCVersion + "'";
        }
        if (maxWorkGroupSize < OpenClDevice.GROUP_SIZE) {
            return "Panamax's kernels run work-groups of " + OpenClDevice.GROUP_SIZE + " work-items, the device allows "
                    + maxWorkGroupSize;
        }
        if (localMemory < MIN_LOCAL_MEMORY) {
            return "Panamax's kernels need " + MIN_LOCAL_MEMORY / 1024 + " KiB of local memory (the OpenCL 1.2 minimum),"
                    + " the device has " + localMemory + " bytes";
        }
        return null;
    }

    /** The facts {@code Device.info()} shows, in a stable order. */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("platform", platform + " (" + platformVersion + ")");
        m.put("vendor", vendor);
        m.put("OpenCL", deviceVersion);
        m.put("OpenCL C", openClCVersion);
        m.put("driver", driver);
        m.put("compute units", Integer.toString(computeUnits));
        m.put("max work-group size", Long.toString(maxWorkGroupSize));
        m.put("local memory", localMemory + " bytes");
        m.put("global memory", globalMemory + " bytes");
        m.put("max allocation", maxAllocation + " bytes");
        m.put("base address alignment", baseAddressAlignment + " bytes (views at other offsets are staged for kernels)");
        m.put("fp16", fp16 ? "yes (cl_khr_fp16: F16 converted by vload_half/vstore_half_rte)"
                : "no (F16 and BF16 converted in software, round to nearest even)");
        return m;
    }
}
