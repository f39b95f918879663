package dev.panamax.jmh.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Softmax F32 [4096, 4096] (out of place) beside its ceiling, a {@code MemorySegment.copy} of the
 * same 64 MiB into another 64 MiB: both read and write every byte once. Target (benchmarks/TARGETS.md):
 * softmax time <= copy time / 0.7.
 */
@State(Scope.Benchmark)
public class CpuSoftmaxBenchmark extends CpuBenchmark {
    static final int ROWS = 4096;
    static final int COLS = 4096;

    Tensor x;
    Tensor out;
    Arena arena;
    MemorySegment src;
    MemorySegment dst;

    @Setup(Level.Trial)
    public void setUp() {
        Device cpu = Device.cpu();
        x = cpu.tensor(BenchData.uniform(ROWS * COLS, 3), ROWS, COLS);
        out = cpu.zeros(DType.F32, ROWS, COLS);
        arena = Arena.ofShared();
        long bytes = (long) ROWS * COLS * Float.BYTES;
        src = arena.allocate(bytes, 64);
        dst = arena.allocate(bytes, 64);
        x.copyTo(src);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        out.close();
        arena.close();
    }

    @Benchmark
    public void panamax() {
        Ops.softmax(x, out);
    }

    @Benchmark
    public void copy() {
        MemorySegment.copy(src, 0, dst, 0, src.byteSize());
    }

    /** Runs this benchmark; JMH's own options (-wi, -i, -f, -p ...) may follow. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(CpuSoftmaxBenchmark.class.getSimpleName()).build()).run();
    }
}
