package dev.panamax.opencl;

import dev.panamax.DeviceUnavailableException;
import dev.panamax.bindings.opencl.OpenCL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lists every device of every OpenCL platform once per process, GPUs first, then the others,
 * each group in platform order and device order: {@code opencl:N} is the N-th of that list.
 */
final class ClDiscovery {
    private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    private ClDiscovery() {
    }

    /** The devices, or the reason there are none to be had (no library, no platform). */
    private static final class Result {
        static final List<ClDeviceId> DEVICES;
        static final DeviceUnavailableException FAILURE;

        static {
            List<ClDeviceId> devices = null;
            DeviceUnavailableException failure = null;
            try {
                devices = discover();
            } catch (DeviceUnavailableException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new DeviceUnavailableException("opencl: cannot list OpenCL devices: " + e.getMessage(), e);
            }
            DEVICES = devices;
            FAILURE = failure;
        }
    }

    /**
     * The devices in {@code opencl:N} order.
     *
     * @throws DeviceUnavailableException when OpenCL cannot be used here; the message says why
     */
    static List<ClDeviceId> devices() {
        if (Result.FAILURE != null) {
            // a fresh exception each time, so that stack traces show the caller
            throw new DeviceUnavailableException(Result.FAILURE.getMessage(), Result.FAILURE);
        }
        return Result.DEVICES;
    }

    private static List<ClDeviceId> discover() {
        String cause = OpenCL.unavailabilityCause();
        if (cause != null) {
            throw new DeviceUnavailableException("opencl: " + cause);
        }
        List<ClDeviceId> all = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int status = OpenCL.clGetPlatformIDs(0, MemorySegment.NULL, count);
            if (status == CL_PLATFORM_NOT_FOUND_KHR || status == ClErrors.CL_SUCCESS && count.get(ValueLayout.JAVA_INT, 0) == 0) {
                throw new DeviceUnavailableException("opencl: " + OpenCL.libraryName()
                        + " found no OpenCL platform (no ICD registered, e.g. in /etc/OpenCL/vendors); install a driver"
                        + " such as pocl-opencl-icd", ClErrors.name(status), status);
            }
            ClErrors.check(status, "clGetPlatformIDs");
            int platforms = count.get(ValueLayout.JAVA_INT, 0);
            MemorySegment ids = arena.allocate(ValueLayout.ADDRESS, platforms);
            ClErrors.check(OpenCL.clGetPlatformIDs(platforms, ids, MemorySegment.NULL), "clGetPlatformIDs");
            for (int p = 0; p < platforms; p++) {
                MemorySegment platform = ids.getAtIndex(ValueLayout.ADDRESS, p);
                addDevices(arena, platform, all);
            }
        }
        return inSpecOrder(all);
    }

    /** GPUs first, then the rest; each group keeps platform order and device order (a stable sort). */
    static List<ClDeviceId> inSpecOrder(List<ClDeviceId> devices) {
        List<ClDeviceId> sorted = new ArrayList<>(devices);
        sorted.sort(Comparator.comparing(d -> !d.gpu()));
        return List.copyOf(sorted);
    }

    private static void addDevices(Arena arena, MemorySegment platform, List<ClDeviceId> all) {
        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        int status = OpenCL.clGetDeviceIDs(platform, OpenCL.CL_DEVICE_TYPE_ALL(), 0, MemorySegment.NULL, count);
        if (status == -1) { // CL_DEVICE_NOT_FOUND: a platform with no device
            return;
        }
        ClErrors.check(status, "clGetDeviceIDs");
        int n = count.get(ValueLayout.JAVA_INT, 0);
        MemorySegment ids = arena.allocate(ValueLayout.ADDRESS, n);
        ClErrors.check(OpenCL.clGetDeviceIDs(platform, OpenCL.CL_DEVICE_TYPE_ALL(), n, ids, MemorySegment.NULL),
                "clGetDeviceIDs");
        String platformName = ClInfo.platformString(platform, OpenCL.CL_PLATFORM_NAME(), "CL_PLATFORM_NAME");
        for (int i = 0; i < n; i++) {
            MemorySegment device = ids.getAtIndex(ValueLayout.ADDRESS, i);
            long type = ClInfo.deviceLong(device, OpenCL.CL_DEVICE_TYPE(), "CL_DEVICE_TYPE");
            all.add(new ClDeviceId(platform, device, (type & OpenCL.CL_DEVICE_TYPE_GPU()) != 0, platformName,
                    (type & OpenCL.CL_DEVICE_TYPE_ACCELERATOR()) != 0));
        }
    }
}
