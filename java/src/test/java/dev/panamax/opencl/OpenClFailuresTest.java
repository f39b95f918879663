package dev.panamax.opencl;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceException;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.internal.Allocation;
import dev.panamax.testing.Garbage;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the driver reports comes back as the right exception with the OpenCL error's name, and leaves nothing behind. */
class OpenClFailuresTest extends OpenClDeviceTest {
    private static final String TINY = """
            __kernel __attribute__((reqd_work_group_size(256, 1, 1)))
            void fill(__global float *out, const ulong count) {
                if (get_global_id(0) < count) {
                    out[get_global_id(0)] = 1.0f;
                }
            }
            """;

    @Test
    void brokenSourceFailsWithTheBuildLog() {
        long programs = backend().live().programs.get();
        DeviceException e = assertThrows(DeviceException.class,
                () -> backend().programs().build("broken.cl", "__kernel void broken(__global float *x) { x[0] = undeclared_name; }", ""));
        assertEquals("CL_BUILD_PROGRAM_FAILURE", e.errorName());
        assertEquals(-11, e.errorCode());
        assertTrue(e.getMessage().contains("broken.cl"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_name"), "the build log names the error: " + e.getMessage());
        assertEquals(programs, backend().live().programs.get(), "the failed program is released");
    }

    @Test
    void badWorkGroupSizeIsAnInvalidWorkGroupSizeError() {
        OpenClDevice cl = backend();
        try (ClProgram program = cl.programs().build("tiny.cl", TINY, "");
             var out = cl.scratch(4 * 512); ClArgs args = ClArgs.begin()) {
            args.buffer(out.memory()).u64(512).grid(512, 128);
            DeviceException e = assertThrows(DeviceException.class, () -> cl.launch(program, "fill", args));
            assertEquals("CL_INVALID_WORK_GROUP_SIZE", e.errorName(), e.getMessage());
            assertTrue(e.getMessage().contains("fill") && e.getMessage().contains("[128]"), e.getMessage());
        }
    }

    @Test
    void unknownKernelNameIsAnError() {
        OpenClDevice cl = backend();
        try (ClProgram program = cl.programs().build("tiny.cl", TINY, ""); ClArgs args = ClArgs.begin()) {
            args.grid(256, 256);
            DeviceException e = assertThrows(DeviceException.class, () -> cl.launch(program, "no_such_kernel", args));
            assertEquals("CL_INVALID_KERNEL_NAME", e.errorName(), e.getMessage());
        }
    }

    @Test
    void allocationAboveTheDeviceLimitIsOutOfMemory() {
        long max = backend().facts().maxAllocation();
        long live = Garbage.settle(Backend.OPENCL); // the out-of-memory retries run the GC
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> device.zeros(DType.F32, max / 4 + 1));
        assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), e.getMessage());
        assertEquals(live, Allocation.liveCount(Backend.OPENCL));
    }

    @Test
    void errorsCarryTheirNames() {
        assertEquals("CL_OUT_OF_RESOURCES", ClErrors.name(-5));
        assertEquals("CL_INVALID_WORK_GROUP_SIZE", ClErrors.name(-54));
        assertEquals("CL_ERROR_-12345", ClErrors.name(-12345));
        assertInstanceOf(DeviceOutOfMemoryException.class, ClErrors.error(-4, "clCreateBuffer"));
        assertInstanceOf(DeviceOutOfMemoryException.class, ClErrors.error(-6, "clEnqueueNDRangeKernel"));
        DeviceException e = ClErrors.error(-5, "clFinish");
        assertEquals("CL_OUT_OF_RESOURCES", e.errorName());
        assertEquals(-5, e.errorCode());
        assertTrue(e.getMessage().contains("clFinish failed: CL_OUT_OF_RESOURCES (-5)"), e.getMessage());
    }

    @Test
    void noSuchIndexIsUnavailable() {
        int count = Device.available().stream().filter(s -> s.startsWith("opencl:")).toList().size();
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Device.open("opencl:" + count));
        assertTrue(e.getMessage().contains("no such index"), e.getMessage());
    }

    @Test
    void timedLaunchReadsProfilingAndReleasesItsEvent() {
        OpenClDevice cl = backend();
        try (ClProgram program = cl.programs().build("tiny.cl", TINY, "");
             var out = cl.scratch(4 * 256); ClArgs args = ClArgs.begin()) {
            args.buffer(out.memory()).u64(256).grid(256, 256);
            long nanos = cl.launchTimed(program, "fill", args);
            assertTrue(nanos >= 0, "device time " + nanos);
            assertEquals(0, cl.live().events.get(), "events left");
        }
    }

    @Test
    void infoNamesWhatMatters() {
        Map<String, String> info = device.info();
        for (String key : new String[] {"platform", "OpenCL", "driver", "compute units", "max work-group size", "local memory", "fp16"}) {
            assertTrue(info.containsKey(key) && !info.get(key).isBlank(), key + " in " + info);
        }
        assertTrue(info.get("OpenCL").startsWith("OpenCL "), info.toString());
        assertEquals(Backend.OPENCL, device.backend());
        assertTrue(device.memoryBytes() > 0);
    }

    @Test
    void gpusAreNumberedFirstInPlatformOrder() {
        MemorySegment p0 = MemorySegment.ofAddress(0x10);
        MemorySegment p1 = MemorySegment.ofAddress(0x20);
        ClDeviceId cpu0 = new ClDeviceId(p0, MemorySegment.ofAddress(1), false, "a");
        ClDeviceId gpu0 = new ClDeviceId(p0, MemorySegment.ofAddress(2), true, "a");
        ClDeviceId cpu1 = new ClDeviceId(p1, MemorySegment.ofAddress(3), false, "b");
        ClDeviceId gpu1 = new ClDeviceId(p1, MemorySegment.ofAddress(4), true, "b");
        assertEquals(List.of(gpu0, gpu1, cpu0, cpu1), ClDiscovery.inSpecOrder(List.of(cpu0, gpu0, cpu1, gpu1)));
    }
}
