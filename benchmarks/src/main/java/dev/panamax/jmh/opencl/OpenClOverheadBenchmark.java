package dev.panamax.jmh.opencl;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * What Panama costs against JNI on OpenCL: one trivial kernel launch (two clSetKernelArg, one
 * clEnqueueNDRangeKernel of 64 work-items, clFinish) and one 4 KiB blocking host-to-device write,
 * made through Panamax's FFM bindings and through JOCL 2.0.5 on the same device (device 0 of
 * platform 0). The two clSetKernelArg calls alone isolate the cost of a call (the driver does
 * little there); a launch and a write are dominated by the driver. For context, the same write through the public API (Tensor.copyFrom) and a whole
 * small op (in-place softmax of [1, 64] on opencl:0, then synchronize).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <benchmarks classpath> org.openjdk.jmh.Main OpenClOverhead}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OpenClOverheadBenchmark {
    /** Writes v to x[0]: enough work to be a real launch, too little to measure anything but overhead. */
    static final String SOURCE = """
            __kernel void touch(__global float *x, const float v) {
                if (get_global_id(0) == 0) {
                    x[0] = v;
                }
            }
            """;
    static final int BYTES = 4096;
    static final long WORK_ITEMS = 64;

    private PanamaOpenCl panama;
    private JoclOpenCl jocl;
    private Device device;
    private Tensor tensor;
    private Tensor small;
    private Arena arena;
    private MemorySegment host;
    private float value;

    @Setup(Level.Trial)
    public void setUp() {
        panama = new PanamaOpenCl(SOURCE, "touch", WORK_ITEMS, WORK_ITEMS, BYTES);
        jocl = new JoclOpenCl(SOURCE, "touch", WORK_ITEMS, WORK_ITEMS, BYTES);
        // both paths really launch: the kernel's write must be visible
        panama.launch(3.0f);
        jocl.launch(5.0f);
        if (panama.first() != 3.0f || jocl.first() != 5.0f) {
            throw new IllegalStateException("the trivial kernel did not run: " + panama.first() + ", " + jocl.first());
        }
        device = Device.open("opencl:0");
        tensor = device.zeros(DType.F32, BYTES / 4);
        small = device.tensor(new float[64], 1, 64);
        arena = Arena.ofConfined();
        host = arena.allocate(BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        panama.close();
        jocl.close();
        device.close();
        arena.close();
    }

    @Benchmark
    public void launchPanama() {
        panama.launch(value += 1.0f);
    }

    @Benchmark
    public void launchJocl() {
        jocl.launch(value += 1.0f);
    }

    @Benchmark
    public void setArgsPanama() {
        panama.setArguments(value += 1.0f);
    }

    @Benchmark
    public void setArgsJocl() {
        jocl.setArguments(value += 1.0f);
    }

    @Benchmark
    public void write4kPanama() {
        panama.write();
    }

    @Benchmark
    public void write4kJocl() {
        jocl.write();
    }

    @Benchmark
    public void write4kPanamaxApi() {
        tensor.copyFrom(host);
    }

    @Benchmark
    public void softmaxTinyPanamaxApi() {
        Ops.softmax(small, small);
        device.synchronize();
    }
}
