package dev.panamax.opencl;

import dev.panamax.DeviceException;
import dev.panamax.bindings.opencl.OpenCL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the packed sources for one device, once per (file, options), and keeps the programs for
 * the life of the device. A failed build throws a {@link DeviceException} carrying the compiler's
 * log and is retried on the next call rather than remembered.
 */
final class ClPrograms {
    private final OpenClDevice device;
    private final ConcurrentHashMap<String, Slot> cache = new ConcurrentHashMap<>();

    ClPrograms(OpenClDevice device) {
        this.device = device;
    }

    /** One cache entry; its lock serializes the (slow) build of that program only. */
    private static final class Slot {
        ClProgram program;
    }

    /** The program built from packed source {@code file} with {@code options} (macro definitions). */
    ClProgram get(String file, String options) {
        Slot slot = cache.computeIfAbsent(file + " " + options, k -> new Slot());
        synchronized (slot) {
            if (slot.program == null) {
                slot.program = build(file, ClSources.load(file), options);
            }
            return slot.program;
        }
    }

    /** How many programs this device has built and keeps. */
    int size() {
        return (int) cache.values().stream().filter(s -> {
            synchronized (s) {
                return s.program != null;
            }
        }).count();
    }

    /**
     * Builds {@code source} for this device; the caller owns (closes) the result. {@code label}
     * names it in errors. Package-private so that tests can build arbitrary (and broken) source.
     */
    ClProgram build(String label, String source, String options) {
        String fullOptions = "-cl-std=CL1.2 " + options;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment strings = arena.allocate(ValueLayout.ADDRESS);
            strings.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(source));
            MemorySegment program = OpenCL.clCreateProgramWithSource(device.context(), 1, strings, MemorySegment.NULL, status);
            ClErrors.check(status.get(ValueLayout.JAVA_INT, 0), device.spec() + ": clCreateProgramWithSource(" + label + ")");
            device.live().programs.incrementAndGet();
            MemorySegment devices = arena.allocate(ValueLayout.ADDRESS);
            devices.set(ValueLayout.ADDRESS, 0, device.deviceId());
            int built = OpenCL.clBuildProgram(program, 1, devices, arena.allocateFrom(fullOptions),
                    MemorySegment.NULL, MemorySegment.NULL);
            if (built != ClErrors.CL_SUCCESS) {
                String log;
                try {
                    log = buildLog(program);
                } catch (DeviceException e) {
                    log = "(no build log: " + e.getMessage() + ")";
                }
                device.live().programs.decrementAndGet();
                OpenCL.clReleaseProgram(program); // the build error matters more than a failed release
                String name = ClErrors.name(built);
                throw new DeviceException(device.spec() + ": building " + label + " (options: " + fullOptions + ") failed: "
                        + name + " (" + built + "); build log:\n" + log, name, built);
            }
            return new ClProgram(program, label + " " + options, device.live());
        }
    }

    private String buildLog(MemorySegment program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            int param = OpenCL.CL_PROGRAM_BUILD_LOG();
            ClErrors.check(OpenCL.clGetProgramBuildInfo(program, device.deviceId(), param, 0, MemorySegment.NULL, size),
                    "clGetProgramBuildInfo(CL_PROGRAM_BUILD_LOG)");
            long n = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment log = arena.allocate(n + 1);
            ClErrors.check(OpenCL.clGetProgramBuildInfo(program, device.deviceId(), param, n, log, MemorySegment.NULL),
                    "clGetProgramBuildInfo(CL_PROGRAM_BUILD_LOG)");
            return log.getString(0).strip();
        }
    }
}
