package dev.panamax.opencl;

import dev.panamax.bindings.opencl.OpenCL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reads platform and device info parameters ({@code clGetPlatformInfo}, {@code clGetDeviceInfo}). */
final class ClInfo {
    private ClInfo() {
    }

    /** One info query: {@code clGet*Info(handle, param, size, value, size_ret)} with the handle and param bound. */
    @FunctionalInterface
    private interface Query {
        int get(long size, MemorySegment value, MemorySegment sizeRet);
    }

    static String platformString(MemorySegment platform, int param, String paramName) {
        return string((size, value, sizeRet) -> OpenCL.clGetPlatformInfo(platform, param, size, value, sizeRet),
                "clGetPlatformInfo(" + paramName + ")");
    }

    static String deviceString(MemorySegment device, int param, String paramName) {
        return string((size, value, sizeRet) -> OpenCL.clGetDeviceInfo(device, param, size, value, sizeRet),
                "clGetDeviceInfo(" + paramName + ")");
    }

    /** A char[] parameter: asks its size, then its value. */
    private static String string(Query query, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            ClErrors.check(query.get(0, MemorySegment.NULL, size), what);
            long n = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment value = arena.allocate(n + 1);
            ClErrors.check(query.get(n, value, MemorySegment.NULL), what);
            return value.getString(0).strip();
        }
    }

    /** A {@code cl_ulong}, {@code size_t} or {@code cl_bitfield} parameter. */
    static long deviceLong(MemorySegment device, int param, String paramName) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            ClErrors.check(OpenCL.clGetDeviceInfo(device, param, 8, value, MemorySegment.NULL),
                    "clGetDeviceInfo(" + paramName + ")");
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** A {@code cl_uint} or {@code cl_bool} parameter. */
    static int deviceInt(MemorySegment device, int param, String paramName) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            ClErrors.check(OpenCL.clGetDeviceInfo(device, param, 4, value, MemorySegment.NULL),
                    "clGetDeviceInfo(" + paramName + ")");
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** {@code "OpenCL 3.0 PoCL ..."} or {@code "OpenCL C 1.2 ..."}: major * 10 + minor, or 0 when unreadable. */
    static int version(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) * 10 + Integer.parseInt(m.group(2)) : 0;
    }
}
