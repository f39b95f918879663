package dev.panamax.jmh.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The same objects and calls as {@link PanamaOpenCl}, through JOCL (JNI): device 0 of platform 0,
 * the same kernel source, a 4 KiB buffer written from a direct buffer (native memory, as on the
 * Panama side). JOCL's exceptions are on, so every status is checked as on the Panama side.
 */
final class JoclOpenCl implements AutoCloseable {
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final cl_kernel kernel;
    private final cl_mem buffer;
    private final Pointer bufferArg;
    private final float[] value = new float[1];
    private final Pointer valueArg = Pointer.to(value);
    private final long[] globalSize;
    private final long[] localSize;
    private final ByteBuffer host;
    private final Pointer hostPointer;

    JoclOpenCl(String source, String kernelName, long global, long local, int bytes) {
        CL.setExceptionsEnabled(true);
        cl_platform_id[] platform = new cl_platform_id[1];
        CL.clGetPlatformIDs(1, platform, null);
        cl_device_id[] device = new cl_device_id[1];
        CL.clGetDeviceIDs(platform[0], CL.CL_DEVICE_TYPE_ALL, 1, device, null);
        context = CL.clCreateContext(null, 1, device, null, null, null);
        @SuppressWarnings("deprecation") // the OpenCL 1.2 call, as on the Panama side
        cl_command_queue q = CL.clCreateCommandQueue(context, device[0], 0, null);
        queue = q;
        program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        CL.clBuildProgram(program, 1, device, "", null, null);
        kernel = CL.clCreateKernel(program, kernelName, null);
        buffer = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, bytes, null, null);
        bufferArg = Pointer.to(buffer);
        globalSize = new long[] {global};
        localSize = new long[] {local};
        host = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        hostPointer = Pointer.to(host);
    }

    void launch(float v) {
        setArguments(v);
        CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, globalSize, localSize, 0, null, null);
        CL.clFinish(queue);
    }

    void setArguments(float v) {
        value[0] = v;
        CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, bufferArg);
        CL.clSetKernelArg(kernel, 1, Sizeof.cl_float, valueArg);
    }

    void write() {
        CL.clEnqueueWriteBuffer(queue, buffer, CL.CL_TRUE, 0, host.capacity(), hostPointer, 0, null, null);
    }

    float first() {
        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, 0, 4, hostPointer, 0, null, null);
        return host.getFloat(0);
    }

    @Override
    public void close() {
        CL.clReleaseMemObject(buffer);
        CL.clReleaseKernel(kernel);
        CL.clReleaseProgram(program);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}
