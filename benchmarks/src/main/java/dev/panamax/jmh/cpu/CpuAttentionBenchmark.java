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

/**
 * Causal attention F32 B=1, H=8, S=2048, D=64 beside our own GEMM on the same FLOPs: the causal
 * product counts 4 * H * D * S (S + 1) / 2 = 4.297 GFLOP (QK^T and PV, 2 D FLOPs each per visible
 * query-key pair), a [2048, 1024] x [1024, 1024] GEMM 2 * 2048 * 1024 * 1024 = 4.295 GFLOP, so
 * the ratio of rates is the inverse ratio of times (to 0.05%). Target (benchmarks/TARGETS.md):
 * attention >= 0.5 x the GEMM rate.
 */
@State(Scope.Benchmark)
public class CpuAttentionBenchmark extends CpuBenchmark {
    static final int H = 8;
    static final int S = 2048;
    static final int D = 64;
    static final int GEMM_M = 2048;
    static final int GEMM = 1024;

    Tensor q;
    Tensor k;
    Tensor v;
    Tensor a;
    Tensor b;
    Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        Device cpu = Device.cpu();
        q = cpu.tensor(BenchData.uniform(H * S * D, 4), 1, H, S, D);
        k = cpu.tensor(BenchData.uniform(H * S * D, 5), 1, H, S, D);
        v = cpu.tensor(BenchData.uniform(H * S * D, 6), 1, H, S, D);
        a = cpu.tensor(BenchData.uniform(GEMM_M * GEMM, 7), GEMM_M, GEMM);
        b = cpu.tensor(BenchData.uniform(GEMM * GEMM, 8), GEMM, GEMM);
        c = cpu.zeros(DType.F32, GEMM_M, GEMM);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {q, k, v, a, b, c}) {
            t.close();
        }
    }

    @Benchmark
    public void attentionCausal() {
        Ops.attention(q, k, v, true).close();
    }

    @Benchmark
    public void gemmSameFlops() {
        Ops.gemm(1f, a, false, b, false, 0f, c);
    }

    /** Runs this benchmark; JMH's own options (-wi, -i, -f, -p ...) may follow. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(CpuAttentionBenchmark.class.getSimpleName()).build()).run();
    }
}
