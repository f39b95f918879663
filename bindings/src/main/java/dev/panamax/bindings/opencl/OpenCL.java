// Generated-style FFM bindings for OpenCL 1.2 (CL/cl.h), in jextract's output shape; see
// native/opencl/README.md for the jextract command that regenerates this file. No logic here.
package dev.panamax.bindings.opencl;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL 1.2 functions and constants Panamax uses, from {@code libOpenCL} (the ICD loader).
 * Each function {@code clFoo} comes with {@code clFoo$descriptor()}, {@code clFoo$handle()} and
 * {@code clFoo$address()}; its symbol is looked up and linked on first use (a holder class per
 * function). Call {@link #unavailabilityCause()} before any function: it names the library or
 * symbol that is missing, so that no caller ever meets a null handle.
 *
 * <p>Types as on LP64 hosts: {@code cl_int}/{@code cl_uint}/{@code cl_bool} are {@code int};
 * {@code size_t}, {@code cl_ulong} and the {@code cl_bitfield}s are {@code long}; handles
 * ({@code cl_platform_id}, {@code cl_mem}, ...) and pointers are {@code MemorySegment}.
 */
@SuppressWarnings("unused")
public final class OpenCL {

    OpenCL() {
        // Should not be called directly
    }

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    /** The library, opened on first use and kept for the life of the JVM. */
    private static final class Library {
        static final String NAME;
        static final SymbolLookup LOOKUP;
        static final String FAILURE;

        static {
            String name = null;
            SymbolLookup lookup = null;
            StringBuilder tried = new StringBuilder();
            for (String candidate : candidates()) {
                try {
                    lookup = SymbolLookup.libraryLookup(candidate, Arena.global());
                    name = candidate;
                    break;
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    tried.append(tried.isEmpty() ? "" : ", ").append(candidate);
                }
            }
            NAME = name;
            LOOKUP = lookup;
            FAILURE = lookup != null ? null
                    : "cannot load the OpenCL ICD loader (tried " + tried + "); install an OpenCL driver or ocl-icd-libopencl1,"
                    + " or name the library with -Dpanamax.opencl.library=PATH";
        }

        private static List<String> candidates() {
            String configured = System.getProperty("panamax.opencl.library");
            if (configured != null && !configured.isBlank()) {
                return List.of(configured.trim());
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("win")) {
                return List.of("OpenCL.dll");
            }
            if (os.contains("mac")) {
                return List.of("/System/Library/Frameworks/OpenCL.framework/OpenCL");
            }
            return List.of("libOpenCL.so.1", "libOpenCL.so");
        }
    }

    static MemorySegment findOrThrow(String symbol) {
        if (Library.LOOKUP == null) {
            throw new UnsatisfiedLinkError(Library.FAILURE);
        }
        return Library.LOOKUP.find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol + " in " + Library.NAME));
    }

    /** Every function this class binds, in declaration order. */
    public static final List<String> FUNCTIONS = List.of(
            "clGetPlatformIDs",
            "clGetPlatformInfo",
            "clGetDeviceIDs",
            "clGetDeviceInfo",
            "clCreateContext",
            "clReleaseContext",
            "clCreateCommandQueue",
            "clReleaseCommandQueue",
            "clFlush",
            "clFinish",
            "clCreateBuffer",
            "clCreateSubBuffer",
            "clReleaseMemObject",
            "clCreateProgramWithSource",
            "clBuildProgram",
            "clGetProgramBuildInfo",
            "clReleaseProgram",
            "clCreateKernel",
            "clSetKernelArg",
            "clGetKernelWorkGroupInfo",
            "clReleaseKernel",
            "clEnqueueNDRangeKernel",
            "clEnqueueReadBuffer",
            "clEnqueueWriteBuffer",
            "clEnqueueCopyBuffer",
            "clEnqueueFillBuffer",
            "clWaitForEvents",
            "clGetEventProfilingInfo",
            "clReleaseEvent");

    /**
     * Null when the library loads and has every function in {@link #FUNCTIONS}; otherwise why not:
     * the library that could not be loaded, or the symbols it lacks.
     */
    public static String unavailabilityCause() {
        return Availability.CAUSE;
    }

    /** The library that was loaded (e.g. {@code libOpenCL.so.1}), or null. */
    public static String libraryName() {
        return Library.NAME;
    }

    private static final class Availability {
        static final String CAUSE = check();

        private static String check() {
            if (Library.LOOKUP == null) {
                return Library.FAILURE;
            }
            List<String> missing = new ArrayList<>();
            for (String f : FUNCTIONS) {
                if (Library.LOOKUP.find(f).isEmpty()) {
                    missing.add(f);
                }
            }
            return missing.isEmpty() ? null
                    : Library.NAME + " lacks " + String.join(", ", missing) + " (OpenCL 1.2 functions); the ICD loader is too old";
        }
    }

    private static final class clGetPlatformIDs {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetPlatformIDs");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetPlatformIDs$descriptor() {
        return clGetPlatformIDs.DESC;
    }

    public static MethodHandle clGetPlatformIDs$handle() {
        return clGetPlatformIDs.HANDLE;
    }

    public static MemorySegment clGetPlatformIDs$address() {
        return clGetPlatformIDs.ADDR;
    }

    public static int clGetPlatformIDs(int num_entries, MemorySegment platforms, MemorySegment num_platforms) {
        var mh$ = clGetPlatformIDs.HANDLE;
        try {
            return (int) mh$.invokeExact(num_entries, platforms, num_platforms);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clGetPlatformInfo {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetPlatformInfo");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetPlatformInfo$descriptor() {
        return clGetPlatformInfo.DESC;
    }

    public static MethodHandle clGetPlatformInfo$handle() {
        return clGetPlatformInfo.HANDLE;
    }

    public static MemorySegment clGetPlatformInfo$address() {
        return clGetPlatformInfo.ADDR;
    }

    public static int clGetPlatformInfo(MemorySegment platform, int param_name, long param_value_size, MemorySegment param_value, MemorySegment param_value_size_ret) {
        var mh$ = clGetPlatformInfo.HANDLE;
        try {
            return (int) mh$.invokeExact(platform, param_name, param_value_size, param_value, param_value_size_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clGetDeviceIDs {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_LONG, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetDeviceIDs");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetDeviceIDs$descriptor() {
        return clGetDeviceIDs.DESC;
    }

    public static MethodHandle clGetDeviceIDs$handle() {
        return clGetDeviceIDs.HANDLE;
    }

    public static MemorySegment clGetDeviceIDs$address() {
        return clGetDeviceIDs.ADDR;
    }

    public static int clGetDeviceIDs(MemorySegment platform, long device_type, int num_entries, MemorySegment devices, MemorySegment num_devices) {
        var mh$ = clGetDeviceIDs.HANDLE;
        try {
            return (int) mh$.invokeExact(platform, device_type, num_entries, devices, num_devices);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clGetDeviceInfo {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetDeviceInfo");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetDeviceInfo$descriptor() {
        return clGetDeviceInfo.DESC;
    }

    public static MethodHandle clGetDeviceInfo$handle() {
        return clGetDeviceInfo.HANDLE;
    }

    public static MemorySegment clGetDeviceInfo$address() {
        return clGetDeviceInfo.ADDR;
    }

    public static int clGetDeviceInfo(MemorySegment device, int param_name, long param_value_size, MemorySegment param_value, MemorySegment param_value_size_ret) {
        var mh$ = clGetDeviceInfo.HANDLE;
        try {
            return (int) mh$.invokeExact(device, param_name, param_value_size, param_value, param_value_size_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clCreateContext {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clCreateContext");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clCreateContext$descriptor() {
        return clCreateContext.DESC;
    }

    public static MethodHandle clCreateContext$handle() {
        return clCreateContext.HANDLE;
    }

    public static MemorySegment clCreateContext$address() {
        return clCreateContext.ADDR;
    }

    public static MemorySegment clCreateContext(MemorySegment properties, int num_devices, MemorySegment devices, MemorySegment pfn_notify, MemorySegment user_data, MemorySegment errcode_ret) {
        var mh$ = clCreateContext.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(properties, num_devices, devices, pfn_notify, user_data, errcode_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clReleaseContext {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clReleaseContext");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clReleaseContext$descriptor() {
        return clReleaseContext.DESC;
    }

    public static MethodHandle clReleaseContext$handle() {
        return clReleaseContext.HANDLE;
    }

    public static MemorySegment clReleaseContext$address() {
        return clReleaseContext.ADDR;
    }

    public static int clReleaseContext(MemorySegment context) {
        var mh$ = clReleaseContext.HANDLE;
        try {
            return (int) mh$.invokeExact(context);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clCreateCommandQueue {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_LONG, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clCreateCommandQueue");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clCreateCommandQueue$descriptor() {
        return clCreateCommandQueue.DESC;
    }

    public static MethodHandle clCreateCommandQueue$handle() {
        return clCreateCommandQueue.HANDLE;
    }

    public static MemorySegment clCreateCommandQueue$address() {
        return clCreateCommandQueue.ADDR;
    }

    public static MemorySegment clCreateCommandQueue(MemorySegment context, MemorySegment device, long properties, MemorySegment errcode_ret) {
        var mh$ = clCreateCommandQueue.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(context, device, properties, errcode_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clReleaseCommandQueue {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clReleaseCommandQueue");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clReleaseCommandQueue$descriptor() {
        return clReleaseCommandQueue.DESC;
    }

    public static MethodHandle clReleaseCommandQueue$handle() {
        return clReleaseCommandQueue.HANDLE;
    }

    public static MemorySegment clReleaseCommandQueue$address() {
        return clReleaseCommandQueue.ADDR;
    }

    public static int clReleaseCommandQueue(MemorySegment command_queue) {
        var mh$ = clReleaseCommandQueue.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clFlush {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clFlush");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clFlush$descriptor() {
        return clFlush.DESC;
    }

    public static MethodHandle clFlush$handle() {
        return clFlush.HANDLE;
    }

    public static MemorySegment clFlush$address() {
        return clFlush.ADDR;
    }

    public static int clFlush(MemorySegment command_queue) {
        var mh$ = clFlush.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clFinish {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clFinish");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clFinish$descriptor() {
        return clFinish.DESC;
    }

    public static MethodHandle clFinish$handle() {
        return clFinish.HANDLE;
    }

    public static MemorySegment clFinish$address() {
        return clFinish.ADDR;
    }

    public static int clFinish(MemorySegment command_queue) {
        var mh$ = clFinish.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clCreateBuffer {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clCreateBuffer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clCreateBuffer$descriptor() {
        return clCreateBuffer.DESC;
    }

    public static MethodHandle clCreateBuffer$handle() {
        return clCreateBuffer.HANDLE;
    }

    public static MemorySegment clCreateBuffer$address() {
        return clCreateBuffer.ADDR;
    }

    public static MemorySegment clCreateBuffer(MemorySegment context, long flags, long size, MemorySegment host_ptr, MemorySegment errcode_ret) {
        var mh$ = clCreateBuffer.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(context, flags, size, host_ptr, errcode_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clCreateSubBuffer {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_LONG, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clCreateSubBuffer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clCreateSubBuffer$descriptor() {
        return clCreateSubBuffer.DESC;
    }

    public static MethodHandle clCreateSubBuffer$handle() {
        return clCreateSubBuffer.HANDLE;
    }

    public static MemorySegment clCreateSubBuffer$address() {
        return clCreateSubBuffer.ADDR;
    }

    public static MemorySegment clCreateSubBuffer(MemorySegment buffer, long flags, int buffer_create_type, MemorySegment buffer_create_info, MemorySegment errcode_ret) {
        var mh$ = clCreateSubBuffer.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(buffer, flags, buffer_create_type, buffer_create_info, errcode_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clReleaseMemObject {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clReleaseMemObject");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clReleaseMemObject$descriptor() {
        return clReleaseMemObject.DESC;
    }

    public static MethodHandle clReleaseMemObject$handle() {
        return clReleaseMemObject.HANDLE;
    }

    public static MemorySegment clReleaseMemObject$address() {
        return clReleaseMemObject.ADDR;
    }

    public static int clReleaseMemObject(MemorySegment memobj) {
        var mh$ = clReleaseMemObject.HANDLE;
        try {
            return (int) mh$.invokeExact(memobj);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clCreateProgramWithSource {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clCreateProgramWithSource");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clCreateProgramWithSource$descriptor() {
        return clCreateProgramWithSource.DESC;
    }

    public static MethodHandle clCreateProgramWithSource$handle() {
        return clCreateProgramWithSource.HANDLE;
    }

    public static MemorySegment clCreateProgramWithSource$address() {
        return clCreateProgramWithSource.ADDR;
    }

    public static MemorySegment clCreateProgramWithSource(MemorySegment context, int count, MemorySegment strings, MemorySegment lengths, MemorySegment errcode_ret) {
        var mh$ = clCreateProgramWithSource.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(context, count, strings, lengths, errcode_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clBuildProgram {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clBuildProgram");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clBuildProgram$descriptor() {
        return clBuildProgram.DESC;
    }

    public static MethodHandle clBuildProgram$handle() {
        return clBuildProgram.HANDLE;
    }

    public static MemorySegment clBuildProgram$address() {
        return clBuildProgram.ADDR;
    }

    public static int clBuildProgram(MemorySegment program, int num_devices, MemorySegment device_list, MemorySegment options, MemorySegment pfn_notify, MemorySegment user_data) {
        var mh$ = clBuildProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(program, num_devices, device_list, options, pfn_notify, user_data);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clGetProgramBuildInfo {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetProgramBuildInfo");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetProgramBuildInfo$descriptor() {
        return clGetProgramBuildInfo.DESC;
    }

    public static MethodHandle clGetProgramBuildInfo$handle() {
        return clGetProgramBuildInfo.HANDLE;
    }

    public static MemorySegment clGetProgramBuildInfo$address() {
        return clGetProgramBuildInfo.ADDR;
    }

    public static int clGetProgramBuildInfo(MemorySegment program, MemorySegment device, int param_name, long param_value_size, MemorySegment param_value, MemorySegment param_value_size_ret) {
        var mh$ = clGetProgramBuildInfo.HANDLE;
        try {
            return (int) mh$.invokeExact(program, device, param_name, param_value_size, param_value, param_value_size_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clReleaseProgram {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clReleaseProgram");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clReleaseProgram$descriptor() {
        return clReleaseProgram.DESC;
    }

    public static MethodHandle clReleaseProgram$handle() {
        return clReleaseProgram.HANDLE;
    }

    public static MemorySegment clReleaseProgram$address() {
        return clReleaseProgram.ADDR;
    }

    public static int clReleaseProgram(MemorySegment program) {
        var mh$ = clReleaseProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(program);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clCreateKernel {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clCreateKernel");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clCreateKernel$descriptor() {
        return clCreateKernel.DESC;
    }

    public static MethodHandle clCreateKernel$handle() {
        return clCreateKernel.HANDLE;
    }

    public static MemorySegment clCreateKernel$address() {
        return clCreateKernel.ADDR;
    }

    public static MemorySegment clCreateKernel(MemorySegment program, MemorySegment kernel_name, MemorySegment errcode_ret) {
        var mh$ = clCreateKernel.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(program, kernel_name, errcode_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clSetKernelArg {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clSetKernelArg");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clSetKernelArg$descriptor() {
        return clSetKernelArg.DESC;
    }

    public static MethodHandle clSetKernelArg$handle() {
        return clSetKernelArg.HANDLE;
    }

    public static MemorySegment clSetKernelArg$address() {
        return clSetKernelArg.ADDR;
    }

    public static int clSetKernelArg(MemorySegment kernel, int arg_index, long arg_size, MemorySegment arg_value) {
        var mh$ = clSetKernelArg.HANDLE;
        try {
            return (int) mh$.invokeExact(kernel, arg_index, arg_size, arg_value);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clGetKernelWorkGroupInfo {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetKernelWorkGroupInfo");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetKernelWorkGroupInfo$descriptor() {
        return clGetKernelWorkGroupInfo.DESC;
    }

    public static MethodHandle clGetKernelWorkGroupInfo$handle() {
        return clGetKernelWorkGroupInfo.HANDLE;
    }

    public static MemorySegment clGetKernelWorkGroupInfo$address() {
        return clGetKernelWorkGroupInfo.ADDR;
    }

    public static int clGetKernelWorkGroupInfo(MemorySegment kernel, MemorySegment device, int param_name, long param_value_size, MemorySegment param_value, MemorySegment param_value_size_ret) {
        var mh$ = clGetKernelWorkGroupInfo.HANDLE;
        try {
            return (int) mh$.invokeExact(kernel, device, param_name, param_value_size, param_value, param_value_size_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clReleaseKernel {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clReleaseKernel");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clReleaseKernel$descriptor() {
        return clReleaseKernel.DESC;
    }

    public static MethodHandle clReleaseKernel$handle() {
        return clReleaseKernel.HANDLE;
    }

    public static MemorySegment clReleaseKernel$address() {
        return clReleaseKernel.ADDR;
    }

    public static int clReleaseKernel(MemorySegment kernel) {
        var mh$ = clReleaseKernel.HANDLE;
        try {
            return (int) mh$.invokeExact(kernel);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clEnqueueNDRangeKernel {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clEnqueueNDRangeKernel");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clEnqueueNDRangeKernel$descriptor() {
        return clEnqueueNDRangeKernel.DESC;
    }

    public static MethodHandle clEnqueueNDRangeKernel$handle() {
        return clEnqueueNDRangeKernel.HANDLE;
    }

    public static MemorySegment clEnqueueNDRangeKernel$address() {
        return clEnqueueNDRangeKernel.ADDR;
    }

    public static int clEnqueueNDRangeKernel(MemorySegment command_queue, MemorySegment kernel, int work_dim, MemorySegment global_work_offset, MemorySegment global_work_size, MemorySegment local_work_size, int num_events_in_wait_list, MemorySegment event_wait_list, MemorySegment event) {
        var mh$ = clEnqueueNDRangeKernel.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue, kernel, work_dim, global_work_offset, global_work_size, local_work_size, num_events_in_wait_list, event_wait_list, event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clEnqueueReadBuffer {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clEnqueueReadBuffer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clEnqueueReadBuffer$descriptor() {
        return clEnqueueReadBuffer.DESC;
    }

    public static MethodHandle clEnqueueReadBuffer$handle() {
        return clEnqueueReadBuffer.HANDLE;
    }

    public static MemorySegment clEnqueueReadBuffer$address() {
        return clEnqueueReadBuffer.ADDR;
    }

    public static int clEnqueueReadBuffer(MemorySegment command_queue, MemorySegment buffer, int blocking_read, long offset, long size, MemorySegment ptr, int num_events_in_wait_list, MemorySegment event_wait_list, MemorySegment event) {
        var mh$ = clEnqueueReadBuffer.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue, buffer, blocking_read, offset, size, ptr, num_events_in_wait_list, event_wait_list, event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clEnqueueWriteBuffer {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clEnqueueWriteBuffer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clEnqueueWriteBuffer$descriptor() {
        return clEnqueueWriteBuffer.DESC;
    }

    public static MethodHandle clEnqueueWriteBuffer$handle() {
        return clEnqueueWriteBuffer.HANDLE;
    }

    public static MemorySegment clEnqueueWriteBuffer$address() {
        return clEnqueueWriteBuffer.ADDR;
    }

    public static int clEnqueueWriteBuffer(MemorySegment command_queue, MemorySegment buffer, int blocking_write, long offset, long size, MemorySegment ptr, int num_events_in_wait_list, MemorySegment event_wait_list, MemorySegment event) {
        var mh$ = clEnqueueWriteBuffer.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue, buffer, blocking_write, offset, size, ptr, num_events_in_wait_list, event_wait_list, event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clEnqueueCopyBuffer {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clEnqueueCopyBuffer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clEnqueueCopyBuffer$descriptor() {
        return clEnqueueCopyBuffer.DESC;
    }

    public static MethodHandle clEnqueueCopyBuffer$handle() {
        return clEnqueueCopyBuffer.HANDLE;
    }

    public static MemorySegment clEnqueueCopyBuffer$address() {
        return clEnqueueCopyBuffer.ADDR;
    }

    public static int clEnqueueCopyBuffer(MemorySegment command_queue, MemorySegment src_buffer, MemorySegment dst_buffer, long src_offset, long dst_offset, long size, int num_events_in_wait_list, MemorySegment event_wait_list, MemorySegment event) {
        var mh$ = clEnqueueCopyBuffer.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue, src_buffer, dst_buffer, src_offset, dst_offset, size, num_events_in_wait_list, event_wait_list, event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clEnqueueFillBuffer {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_POINTER, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_LONG, OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clEnqueueFillBuffer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clEnqueueFillBuffer$descriptor() {
        return clEnqueueFillBuffer.DESC;
    }

    public static MethodHandle clEnqueueFillBuffer$handle() {
        return clEnqueueFillBuffer.HANDLE;
    }

    public static MemorySegment clEnqueueFillBuffer$address() {
        return clEnqueueFillBuffer.ADDR;
    }

    public static int clEnqueueFillBuffer(MemorySegment command_queue, MemorySegment buffer, MemorySegment pattern, long pattern_size, long offset, long size, int num_events_in_wait_list, MemorySegment event_wait_list, MemorySegment event) {
        var mh$ = clEnqueueFillBuffer.HANDLE;
        try {
            return (int) mh$.invokeExact(command_queue, buffer, pattern, pattern_size, offset, size, num_events_in_wait_list, event_wait_list, event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clWaitForEvents {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clWaitForEvents");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clWaitForEvents$descriptor() {
        return clWaitForEvents.DESC;
    }

    public static MethodHandle clWaitForEvents$handle() {
        return clWaitForEvents.HANDLE;
    }

    public static MemorySegment clWaitForEvents$address() {
        return clWaitForEvents.ADDR;
    }

    public static int clWaitForEvents(int num_events, MemorySegment event_list) {
        var mh$ = clWaitForEvents.HANDLE;
        try {
            return (int) mh$.invokeExact(num_events, event_list);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clGetEventProfilingInfo {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER, OpenCL.C_INT, OpenCL.C_LONG, OpenCL.C_POINTER, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clGetEventProfilingInfo");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clGetEventProfilingInfo$descriptor() {
        return clGetEventProfilingInfo.DESC;
    }

    public static MethodHandle clGetEventProfilingInfo$handle() {
        return clGetEventProfilingInfo.HANDLE;
    }

    public static MemorySegment clGetEventProfilingInfo$address() {
        return clGetEventProfilingInfo.ADDR;
    }

    public static int clGetEventProfilingInfo(MemorySegment event, int param_name, long param_value_size, MemorySegment param_value, MemorySegment param_value_size_ret) {
        var mh$ = clGetEventProfilingInfo.HANDLE;
        try {
            return (int) mh$.invokeExact(event, param_name, param_value_size, param_value, param_value_size_ret);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class clReleaseEvent {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                OpenCL.C_INT, OpenCL.C_POINTER);

        public static final MemorySegment ADDR = OpenCL.findOrThrow("clReleaseEvent");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor clReleaseEvent$descriptor() {
        return clReleaseEvent.DESC;
    }

    public static MethodHandle clReleaseEvent$handle() {
        return clReleaseEvent.HANDLE;
    }

    public static MemorySegment clReleaseEvent$address() {
        return clReleaseEvent.ADDR;
    }

    public static int clReleaseEvent(MemorySegment event) {
        var mh$ = clReleaseEvent.HANDLE;
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final int CL_SUCCESS = 0;

    public static int CL_SUCCESS() {
        return CL_SUCCESS;
    }

    private static final int CL_FALSE = 0;

    public static int CL_FALSE() {
        return CL_FALSE;
    }

    private static final int CL_TRUE = 1;

    public static int CL_TRUE() {
        return CL_TRUE;
    }

    private static final int CL_PLATFORM_PROFILE = 2304;

    public static int CL_PLATFORM_PROFILE() {
        return CL_PLATFORM_PROFILE;
    }

    private static final int CL_PLATFORM_VERSION = 2305;

    public static int CL_PLATFORM_VERSION() {
        return CL_PLATFORM_VERSION;
    }

    private static final int CL_PLATFORM_NAME = 2306;

    public static int CL_PLATFORM_NAME() {
        return CL_PLATFORM_NAME;
    }

    private static final int CL_PLATFORM_VENDOR = 2307;

    public static int CL_PLATFORM_VENDOR() {
        return CL_PLATFORM_VENDOR;
    }

    private static final int CL_PLATFORM_EXTENSIONS = 2308;

    public static int CL_PLATFORM_EXTENSIONS() {
        return CL_PLATFORM_EXTENSIONS;
    }

    private static final int CL_DEVICE_TYPE = 4096;

    public static int CL_DEVICE_TYPE() {
        return CL_DEVICE_TYPE;
    }

    private static final int CL_DEVICE_MAX_COMPUTE_UNITS = 4098;

    public static int CL_DEVICE_MAX_COMPUTE_UNITS() {
        return CL_DEVICE_MAX_COMPUTE_UNITS;
    }

    private static final int CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS = 4099;

    public static int CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS() {
        return CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS;
    }

    private static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 4100;

    public static int CL_DEVICE_MAX_WORK_GROUP_SIZE() {
        return CL_DEVICE_MAX_WORK_GROUP_SIZE;
    }

    private static final int CL_DEVICE_MAX_WORK_ITEM_SIZES = 4101;

    public static int CL_DEVICE_MAX_WORK_ITEM_SIZES() {
        return CL_DEVICE_MAX_WORK_ITEM_SIZES;
    }

    private static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 4112;

    public static int CL_DEVICE_MAX_MEM_ALLOC_SIZE() {
        return CL_DEVICE_MAX_MEM_ALLOC_SIZE;
    }

    private static final int CL_DEVICE_GLOBAL_MEM_SIZE = 4127;

    public static int CL_DEVICE_GLOBAL_MEM_SIZE() {
        return CL_DEVICE_GLOBAL_MEM_SIZE;
    }

    private static final int CL_DEVICE_LOCAL_MEM_TYPE = 4130;

    public static int CL_DEVICE_LOCAL_MEM_TYPE() {
        return CL_DEVICE_LOCAL_MEM_TYPE;
    }

    private static final int CL_DEVICE_LOCAL_MEM_SIZE = 4131;

    public static int CL_DEVICE_LOCAL_MEM_SIZE() {
        return CL_DEVICE_LOCAL_MEM_SIZE;
    }

    private static final int CL_DEVICE_AVAILABLE = 4135;

    public static int CL_DEVICE_AVAILABLE() {
        return CL_DEVICE_AVAILABLE;
    }

    private static final int CL_DEVICE_COMPILER_AVAILABLE = 4136;

    public static int CL_DEVICE_COMPILER_AVAILABLE() {
        return CL_DEVICE_COMPILER_AVAILABLE;
    }

    private static final int CL_DEVICE_NAME = 4139;

    public static int CL_DEVICE_NAME() {
        return CL_DEVICE_NAME;
    }

    private static final int CL_DEVICE_VENDOR = 4140;

    public static int CL_DEVICE_VENDOR() {
        return CL_DEVICE_VENDOR;
    }

    private static final int CL_DRIVER_VERSION = 4141;

    public static int CL_DRIVER_VERSION() {
        return CL_DRIVER_VERSION;
    }

    private static final int CL_DEVICE_PROFILE = 4142;

    public static int CL_DEVICE_PROFILE() {
        return CL_DEVICE_PROFILE;
    }

    private static final int CL_DEVICE_VERSION = 4143;

    public static int CL_DEVICE_VERSION() {
        return CL_DEVICE_VERSION;
    }

    private static final int CL_DEVICE_EXTENSIONS = 4144;

    public static int CL_DEVICE_EXTENSIONS() {
        return CL_DEVICE_EXTENSIONS;
    }

    private static final int CL_DEVICE_HALF_FP_CONFIG = 4147;

    public static int CL_DEVICE_HALF_FP_CONFIG() {
        return CL_DEVICE_HALF_FP_CONFIG;
    }

    private static final int CL_DEVICE_OPENCL_C_VERSION = 4157;

    public static int CL_DEVICE_OPENCL_C_VERSION() {
        return CL_DEVICE_OPENCL_C_VERSION;
    }

    private static final int CL_CONTEXT_PLATFORM = 4228;

    public static int CL_CONTEXT_PLATFORM() {
        return CL_CONTEXT_PLATFORM;
    }

    private static final int CL_DEVICE_MEM_BASE_ADDR_ALIGN = 4121;

    public static int CL_DEVICE_MEM_BASE_ADDR_ALIGN() {
        return CL_DEVICE_MEM_BASE_ADDR_ALIGN;
    }

    private static final int CL_BUFFER_CREATE_TYPE_REGION = 4640;

    public static int CL_BUFFER_CREATE_TYPE_REGION() {
        return CL_BUFFER_CREATE_TYPE_REGION;
    }

    private static final int CL_DEVICE_ADDRESS_BITS = 4109;

    public static int CL_DEVICE_ADDRESS_BITS() {
        return CL_DEVICE_ADDRESS_BITS;
    }

    private static final int CL_PROGRAM_BUILD_STATUS = 4481;

    public static int CL_PROGRAM_BUILD_STATUS() {
        return CL_PROGRAM_BUILD_STATUS;
    }

    private static final int CL_PROGRAM_BUILD_OPTIONS = 4482;

    public static int CL_PROGRAM_BUILD_OPTIONS() {
        return CL_PROGRAM_BUILD_OPTIONS;
    }

    private static final int CL_PROGRAM_BUILD_LOG = 4483;

    public static int CL_PROGRAM_BUILD_LOG() {
        return CL_PROGRAM_BUILD_LOG;
    }

    private static final int CL_KERNEL_WORK_GROUP_SIZE = 4528;

    public static int CL_KERNEL_WORK_GROUP_SIZE() {
        return CL_KERNEL_WORK_GROUP_SIZE;
    }

    private static final int CL_KERNEL_COMPILE_WORK_GROUP_SIZE = 4529;

    public static int CL_KERNEL_COMPILE_WORK_GROUP_SIZE() {
        return CL_KERNEL_COMPILE_WORK_GROUP_SIZE;
    }

    private static final int CL_KERNEL_LOCAL_MEM_SIZE = 4530;

    public static int CL_KERNEL_LOCAL_MEM_SIZE() {
        return CL_KERNEL_LOCAL_MEM_SIZE;
    }

    private static final int CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE = 4531;

    public static int CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE() {
        return CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE;
    }

    private static final int CL_KERNEL_PRIVATE_MEM_SIZE = 4532;

    public static int CL_KERNEL_PRIVATE_MEM_SIZE() {
        return CL_KERNEL_PRIVATE_MEM_SIZE;
    }

    private static final int CL_PROFILING_COMMAND_QUEUED = 4736;

    public static int CL_PROFILING_COMMAND_QUEUED() {
        return CL_PROFILING_COMMAND_QUEUED;
    }

    private static final int CL_PROFILING_COMMAND_SUBMIT = 4737;

    public static int CL_PROFILING_COMMAND_SUBMIT() {
        return CL_PROFILING_COMMAND_SUBMIT;
    }

    private static final int CL_PROFILING_COMMAND_START = 4738;

    public static int CL_PROFILING_COMMAND_START() {
        return CL_PROFILING_COMMAND_START;
    }

    private static final int CL_PROFILING_COMMAND_END = 4739;

    public static int CL_PROFILING_COMMAND_END() {
        return CL_PROFILING_COMMAND_END;
    }

    private static final long CL_DEVICE_TYPE_DEFAULT = 1L;

    public static long CL_DEVICE_TYPE_DEFAULT() {
        return CL_DEVICE_TYPE_DEFAULT;
    }

    private static final long CL_DEVICE_TYPE_CPU = 2L;

    public static long CL_DEVICE_TYPE_CPU() {
        return CL_DEVICE_TYPE_CPU;
    }

    private static final long CL_DEVICE_TYPE_GPU = 4L;

    public static long CL_DEVICE_TYPE_GPU() {
        return CL_DEVICE_TYPE_GPU;
    }

    private static final long CL_DEVICE_TYPE_ACCELERATOR = 8L;

    public static long CL_DEVICE_TYPE_ACCELERATOR() {
        return CL_DEVICE_TYPE_ACCELERATOR;
    }

    private static final long CL_DEVICE_TYPE_ALL = 4294967295L;

    public static long CL_DEVICE_TYPE_ALL() {
        return CL_DEVICE_TYPE_ALL;
    }

    private static final long CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE = 1L;

    public static long CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE() {
        return CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE;
    }

    private static final long CL_QUEUE_PROFILING_ENABLE = 2L;

    public static long CL_QUEUE_PROFILING_ENABLE() {
        return CL_QUEUE_PROFILING_ENABLE;
    }

    private static final long CL_MEM_READ_WRITE = 1L;

    public static long CL_MEM_READ_WRITE() {
        return CL_MEM_READ_WRITE;
    }

    private static final long CL_MEM_WRITE_ONLY = 2L;

    public static long CL_MEM_WRITE_ONLY() {
        return CL_MEM_WRITE_ONLY;
    }

    private static final long CL_MEM_READ_ONLY = 4L;

    public static long CL_MEM_READ_ONLY() {
        return CL_MEM_READ_ONLY;
    }

    private static final int CL_DEVICE_NOT_FOUND = -1;

    public static int CL_DEVICE_NOT_FOUND() {
        return CL_DEVICE_NOT_FOUND;
    }

    private static final int CL_DEVICE_NOT_AVAILABLE = -2;

    public static int CL_DEVICE_NOT_AVAILABLE() {
        return CL_DEVICE_NOT_AVAILABLE;
    }

    private static final int CL_COMPILER_NOT_AVAILABLE = -3;

    public static int CL_COMPILER_NOT_AVAILABLE() {
        return CL_COMPILER_NOT_AVAILABLE;
    }

    private static final int CL_MEM_OBJECT_ALLOCATION_FAILURE = -4;

    public static int CL_MEM_OBJECT_ALLOCATION_FAILURE() {
        return CL_MEM_OBJECT_ALLOCATION_FAILURE;
    }

    private static final int CL_OUT_OF_RESOURCES = -5;

    public static int CL_OUT_OF_RESOURCES() {
        return CL_OUT_OF_RESOURCES;
    }

    private static final int CL_OUT_OF_HOST_MEMORY = -6;

    public static int CL_OUT_OF_HOST_MEMORY() {
        return CL_OUT_OF_HOST_MEMORY;
    }

    private static final int CL_PROFILING_INFO_NOT_AVAILABLE = -7;

    public static int CL_PROFILING_INFO_NOT_AVAILABLE() {
        return CL_PROFILING_INFO_NOT_AVAILABLE;
    }

    private static final int CL_MEM_COPY_OVERLAP = -8;

    public static int CL_MEM_COPY_OVERLAP() {
        return CL_MEM_COPY_OVERLAP;
    }

    private static final int CL_IMAGE_FORMAT_MISMATCH = -9;

    public static int CL_IMAGE_FORMAT_MISMATCH() {
        return CL_IMAGE_FORMAT_MISMATCH;
    }

    private static final int CL_IMAGE_FORMAT_NOT_SUPPORTED = -10;

    public static int CL_IMAGE_FORMAT_NOT_SUPPORTED() {
        return CL_IMAGE_FORMAT_NOT_SUPPORTED;
    }

    private static final int CL_BUILD_PROGRAM_FAILURE = -11;

    public static int CL_BUILD_PROGRAM_FAILURE() {
        return CL_BUILD_PROGRAM_FAILURE;
    }

    private static final int CL_MAP_FAILURE = -12;

    public static int CL_MAP_FAILURE() {
        return CL_MAP_FAILURE;
    }

    private static final int CL_MISALIGNED_SUB_BUFFER_OFFSET = -13;

    public static int CL_MISALIGNED_SUB_BUFFER_OFFSET() {
        return CL_MISALIGNED_SUB_BUFFER_OFFSET;
    }

    private static final int CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST = -14;

    public static int CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST() {
        return CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
    }

    private static final int CL_COMPILE_PROGRAM_FAILURE = -15;

    public static int CL_COMPILE_PROGRAM_FAILURE() {
        return CL_COMPILE_PROGRAM_FAILURE;
    }

    private static final int CL_LINKER_NOT_AVAILABLE = -16;

    public static int CL_LINKER_NOT_AVAILABLE() {
        return CL_LINKER_NOT_AVAILABLE;
    }

    private static final int CL_LINK_PROGRAM_FAILURE = -17;

    public static int CL_LINK_PROGRAM_FAILURE() {
        return CL_LINK_PROGRAM_FAILURE;
    }

    private static final int CL_DEVICE_PARTITION_FAILED = -18;

    public static int CL_DEVICE_PARTITION_FAILED() {
        return CL_DEVICE_PARTITION_FAILED;
    }

    private static final int CL_KERNEL_ARG_INFO_NOT_AVAILABLE = -19;

    public static int CL_KERNEL_ARG_INFO_NOT_AVAILABLE() {
        return CL_KERNEL_ARG_INFO_NOT_AVAILABLE;
    }

    private static final int CL_INVALID_VALUE = -30;

    public static int CL_INVALID_VALUE() {
        return CL_INVALID_VALUE;
    }

    private static final int CL_INVALID_DEVICE_TYPE = -31;

    public static int CL_INVALID_DEVICE_TYPE() {
        return CL_INVALID_DEVICE_TYPE;
    }

    private static final int CL_INVALID_PLATFORM = -32;

    public static int CL_INVALID_PLATFORM() {
        return CL_INVALID_PLATFORM;
    }

    private static final int CL_INVALID_DEVICE = -33;

    public static int CL_INVALID_DEVICE() {
        return CL_INVALID_DEVICE;
    }

    private static final int CL_INVALID_CONTEXT = -34;

    public static int CL_INVALID_CONTEXT() {
        return CL_INVALID_CONTEXT;
    }

    private static final int CL_INVALID_QUEUE_PROPERTIES = -35;

    public static int CL_INVALID_QUEUE_PROPERTIES() {
        return CL_INVALID_QUEUE_PROPERTIES;
    }

    private static final int CL_INVALID_COMMAND_QUEUE = -36;

    public static int CL_INVALID_COMMAND_QUEUE() {
        return CL_INVALID_COMMAND_QUEUE;
    }

    private static final int CL_INVALID_HOST_PTR = -37;

    public static int CL_INVALID_HOST_PTR() {
        return CL_INVALID_HOST_PTR;
    }

    private static final int CL_INVALID_MEM_OBJECT = -38;

    public static int CL_INVALID_MEM_OBJECT() {
        return CL_INVALID_MEM_OBJECT;
    }

    private static final int CL_INVALID_IMAGE_FORMAT_DESCRIPTOR = -39;

    public static int CL_INVALID_IMAGE_FORMAT_DESCRIPTOR() {
        return CL_INVALID_IMAGE_FORMAT_DESCRIPTOR;
    }

    private static final int CL_INVALID_IMAGE_SIZE = -40;

    public static int CL_INVALID_IMAGE_SIZE() {
        return CL_INVALID_IMAGE_SIZE;
    }

    private static final int CL_INVALID_SAMPLER = -41;

    public static int CL_INVALID_SAMPLER() {
        return CL_INVALID_SAMPLER;
    }

    private static final int CL_INVALID_BINARY = -42;

    public static int CL_INVALID_BINARY() {
        return CL_INVALID_BINARY;
    }

    private static final int CL_INVALID_BUILD_OPTIONS = -43;

    public static int CL_INVALID_BUILD_OPTIONS() {
        return CL_INVALID_BUILD_OPTIONS;
    }

    private static final int CL_INVALID_PROGRAM = -44;

    public static int CL_INVALID_PROGRAM() {
        return CL_INVALID_PROGRAM;
    }

    private static final int CL_INVALID_PROGRAM_EXECUTABLE = -45;

    public static int CL_INVALID_PROGRAM_EXECUTABLE() {
        return CL_INVALID_PROGRAM_EXECUTABLE;
    }

    private static final int CL_INVALID_KERNEL_NAME = -46;

    public static int CL_INVALID_KERNEL_NAME() {
        return CL_INVALID_KERNEL_NAME;
    }

    private static final int CL_INVALID_KERNEL_DEFINITION = -47;

    public static int CL_INVALID_KERNEL_DEFINITION() {
        return CL_INVALID_KERNEL_DEFINITION;
    }

    private static final int CL_INVALID_KERNEL = -48;

    public static int CL_INVALID_KERNEL() {
        return CL_INVALID_KERNEL;
    }

    private static final int CL_INVALID_ARG_INDEX = -49;

    public static int CL_INVALID_ARG_INDEX() {
        return CL_INVALID_ARG_INDEX;
    }

    private static final int CL_INVALID_ARG_VALUE = -50;

    public static int CL_INVALID_ARG_VALUE() {
        return CL_INVALID_ARG_VALUE;
    }

    private static final int CL_INVALID_ARG_SIZE = -51;

    public static int CL_INVALID_ARG_SIZE() {
        return CL_INVALID_ARG_SIZE;
    }

    private static final int CL_INVALID_KERNEL_ARGS = -52;

    public static int CL_INVALID_KERNEL_ARGS() {
        return CL_INVALID_KERNEL_ARGS;
    }

    private static final int CL_INVALID_WORK_DIMENSION = -53;

    public static int CL_INVALID_WORK_DIMENSION() {
        return CL_INVALID_WORK_DIMENSION;
    }

    private static final int CL_INVALID_WORK_GROUP_SIZE = -54;

    public static int CL_INVALID_WORK_GROUP_SIZE() {
        return CL_INVALID_WORK_GROUP_SIZE;
    }

    private static final int CL_INVALID_WORK_ITEM_SIZE = -55;

    public static int CL_INVALID_WORK_ITEM_SIZE() {
        return CL_INVALID_WORK_ITEM_SIZE;
    }

    private static final int CL_INVALID_GLOBAL_OFFSET = -56;

    public static int CL_INVALID_GLOBAL_OFFSET() {
        return CL_INVALID_GLOBAL_OFFSET;
    }

    private static final int CL_INVALID_EVENT_WAIT_LIST = -57;

    public static int CL_INVALID_EVENT_WAIT_LIST() {
        return CL_INVALID_EVENT_WAIT_LIST;
    }

    private static final int CL_INVALID_EVENT = -58;

    public static int CL_INVALID_EVENT() {
        return CL_INVALID_EVENT;
    }

    private static final int CL_INVALID_OPERATION = -59;

    public static int CL_INVALID_OPERATION() {
        return CL_INVALID_OPERATION;
    }

    private static final int CL_INVALID_GL_OBJECT = -60;

    public static int CL_INVALID_GL_OBJECT() {
        return CL_INVALID_GL_OBJECT;
    }

    private static final int CL_INVALID_BUFFER_SIZE = -61;

    public static int CL_INVALID_BUFFER_SIZE() {
        return CL_INVALID_BUFFER_SIZE;
    }

    private static final int CL_INVALID_MIP_LEVEL = -62;

    public static int CL_INVALID_MIP_LEVEL() {
        return CL_INVALID_MIP_LEVEL;
    }

    private static final int CL_INVALID_GLOBAL_WORK_SIZE = -63;

    public static int CL_INVALID_GLOBAL_WORK_SIZE() {
        return CL_INVALID_GLOBAL_WORK_SIZE;
    }

    private static final int CL_INVALID_PROPERTY = -64;

    public static int CL_INVALID_PROPERTY() {
        return CL_INVALID_PROPERTY;
    }

    private static final int CL_INVALID_IMAGE_DESCRIPTOR = -65;

    public static int CL_INVALID_IMAGE_DESCRIPTOR() {
        return CL_INVALID_IMAGE_DESCRIPTOR;
    }

    private static final int CL_INVALID_COMPILER_OPTIONS = -66;

    public static int CL_INVALID_COMPILER_OPTIONS() {
        return CL_INVALID_COMPILER_OPTIONS;
    }

    private static final int CL_INVALID_LINKER_OPTIONS = -67;

    public static int CL_INVALID_LINKER_OPTIONS() {
        return CL_INVALID_LINKER_OPTIONS;
    }

    private static final int CL_INVALID_DEVICE_PARTITION_COUNT = -68;

    public static int CL_INVALID_DEVICE_PARTITION_COUNT() {
        return CL_INVALID_DEVICE_PARTITION_COUNT;
    }

    private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    public static int CL_PLATFORM_NOT_FOUND_KHR() {
        return CL_PLATFORM_NOT_FOUND_KHR;
    }

}
