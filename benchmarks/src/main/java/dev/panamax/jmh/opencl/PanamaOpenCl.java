package dev.panamax.jmh.opencl;

import dev.panamax.bindings.opencl.OpenCL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The benchmark's OpenCL objects made through Panamax's FFM bindings: a context and queue on
 * device 0 of platform 0, the trivial kernel, a 4 KiB buffer, and every argument segment
 * allocated once, so that a timed call is the downcalls alone.
 */
final class PanamaOpenCl implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment context;
    private final MemorySegment queue;
    private final MemorySegment program;
    private final MemorySegment kernel;
    private final MemorySegment buffer;
    private final MemorySegment bufferArg;
    private final MemorySegment valueArg;
    private final MemorySegment globalSize;
    private final MemorySegment localSize;
    private final MemorySegment host;

    PanamaOpenCl(String source, String kernelName, long global, long local, int bytes) {
        String cause = OpenCL.unavailabilityCause();
        if (cause != null) {
            throw new IllegalStateException("OpenCL unavailable: " + cause);
        }
        MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment platform = arena.allocate(ValueLayout.ADDRESS);
        check(OpenCL.clGetPlatformIDs(1, platform, MemorySegment.NULL), "clGetPlatformIDs");
        MemorySegment device = arena.allocate(ValueLayout.ADDRESS);
        check(OpenCL.clGetDeviceIDs(platform.get(ValueLayout.ADDRESS, 0), OpenCL.CL_DEVICE_TYPE_ALL(), 1, device,
                MemorySegment.NULL), "clGetDeviceIDs");
        context = OpenCL.clCreateContext(MemorySegment.NULL, 1, device, MemorySegment.NULL, MemorySegment.NULL, status);
        check(status.get(ValueLayout.JAVA_INT, 0), "clCreateContext");
        queue = OpenCL.clCreateCommandQueue(context, device.get(ValueLayout.ADDRESS, 0), 0, status);
        check(status.get(ValueLayout.JAVA_INT, 0), "clCreateCommandQueue");
        MemorySegment strings = arena.allocateFrom(ValueLayout.ADDRESS, arena.allocateFrom(source));
        program = OpenCL.clCreateProgramWithSource(context, 1, strings, MemorySegment.NULL, status);
        check(status.get(ValueLayout.JAVA_INT, 0), "clCreateProgramWithSource");
        check(OpenCL.clBuildProgram(program, 1, device, arena.allocateFrom(""), MemorySegment.NULL, MemorySegment.NULL),
                "clBuildProgram");
        kernel = OpenCL.clCreateKernel(program, arena.allocateFrom(kernelName), status);
        check(status.get(ValueLayout.JAVA_INT, 0), "clCreateKernel");
        buffer = OpenCL.clCreateBuffer(context, OpenCL.CL_MEM_READ_WRITE(), bytes, MemorySegment.NULL, status);
        check(status.get(ValueLayout.JAVA_INT, 0), "clCreateBuffer");
        bufferArg = arena.allocateFrom(ValueLayout.ADDRESS, buffer);
        valueArg = arena.allocate(ValueLayout.JAVA_FLOAT);
        globalSize = arena.allocateFrom(ValueLayout.JAVA_LONG, global);
        localSize = arena.allocateFrom(ValueLayout.JAVA_LONG, local);
        host = arena.allocate(bytes, 64);
    }

    static void check(int status, String what) {
        if (status != OpenCL.CL_SUCCESS()) {
            throw new IllegalStateException(what + " failed: " + status);
        }
    }

    /** Sets both arguments, enqueues the kernel and waits for it: what one small op costs. */
    void launch(float value) {
        setArguments(value);
        check(OpenCL.clEnqueueNDRangeKernel(queue, kernel, 1, MemorySegment.NULL, globalSize, localSize, 0,
                MemorySegment.NULL, MemorySegment.NULL), "clEnqueueNDRangeKernel");
        check(OpenCL.clFinish(queue), "clFinish");
    }

    /** The two clSetKernelArg calls alone: host-side work in the driver, so mostly the cost of the calls. */
    void setArguments(float value) {
        valueArg.set(ValueLayout.JAVA_FLOAT, 0, value);
        check(OpenCL.clSetKernelArg(kernel, 0, ValueLayout.ADDRESS.byteSize(), bufferArg), "clSetKernelArg");
        check(OpenCL.clSetKernelArg(kernel, 1, 4, valueArg), "clSetKernelArg");
    }

    /** A blocking host-to-device write of the whole buffer from native memory. */
    void write() {
        check(OpenCL.clEnqueueWriteBuffer(queue, buffer, OpenCL.CL_TRUE(), 0, host.byteSize(), host, 0,
                MemorySegment.NULL, MemorySegment.NULL), "clEnqueueWriteBuffer");
    }

    /** The first float of the buffer, read back (for the result check). */
    float first() {
        check(OpenCL.clEnqueueReadBuffer(queue, buffer, OpenCL.CL_TRUE(), 0, 4, host, 0, MemorySegment.NULL,
                MemorySegment.NULL), "clEnqueueReadBuffer");
        return host.get(ValueLayout.JAVA_FLOAT, 0);
    }

    @Override
    public void close() {
        OpenCL.clReleaseMemObject(buffer);
        OpenCL.clReleaseKernel(kernel);
        OpenCL.clReleaseProgram(program);
        OpenCL.clReleaseCommandQueue(queue);
        OpenCL.clReleaseContext(context);
        arena.close();
    }
}
