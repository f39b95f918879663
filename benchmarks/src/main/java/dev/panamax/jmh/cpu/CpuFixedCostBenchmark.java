package dev.panamax.jmh.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * The fixed cost of an op on the cpu: what a call costs when its math is next to nothing. An
 * add of [1, 8] into an existing tensor (validation, leases, dispatch), the same add into a new
 * tensor that is then closed (plus an allocation and its release), a layerNorm of one row of 8,
 * and a softmax of [1, 8]; then an op of a few thousand elements that the pool shares between its
 * threads (an add of [16, 384], one sentence's hidden state in all-MiniLM-L6-v2), whose time is
 * mostly the hand-off to a second thread. Target (issue: the CPU backend at the machine's limit):
 * under 5 us for a tiny op. Microseconds per call.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CpuFixedCostBenchmark extends CpuBenchmark {
    Tensor tiny;
    Tensor tinyBias;
    Tensor tinyOut;
    Tensor gamma;
    Tensor beta;
    Tensor small;
    Tensor smallBias;
    Tensor smallOut;

    @Setup(Level.Trial)
    public void setUp() {
        Device cpu = Device.cpu();
        tiny = cpu.tensor(BenchData.uniform(8, 1), 1, 8);
        tinyBias = cpu.tensor(BenchData.uniform(8, 2), 8);
        tinyOut = cpu.zeros(DType.F32, 1, 8);
        gamma = cpu.tensor(BenchData.uniform(8, 3), 8);
        beta = cpu.tensor(BenchData.uniform(8, 4), 8);
        small = cpu.tensor(BenchData.uniform(16 * 384, 5), 16, 384);
        smallBias = cpu.tensor(BenchData.uniform(384, 6), 384);
        smallOut = cpu.zeros(DType.F32, 16, 384);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {tiny, tinyBias, tinyOut, gamma, beta, small, smallBias, smallOut}) {
            t.close();
        }
    }

    @Benchmark
    public void addTinyIntoOut() {
        Ops.add(tiny, tinyBias, tinyOut);
    }

    @Benchmark
    public void addTinyNewTensor() {
        try (Tensor t = Ops.add(tiny, tinyBias)) {
            // allocated, computed, released
        }
    }

    @Benchmark
    public void layerNormTiny() {
        Ops.layerNorm(tiny, gamma, beta, 1e-5f, tinyOut);
    }

    @Benchmark
    public void softmaxTiny() {
        Ops.softmax(tiny, tinyOut);
    }

    @Benchmark
    public void addSmallShared() {
        Ops.add(small, smallBias, smallOut);
    }

    /** Runs this benchmark; JMH's own options (-wi, -i, -f, -p ...) may follow. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(CpuFixedCostBenchmark.class.getSimpleName()).build()).run();
    }
}
