package dev.panamax.jmh.cpu;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
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
 * MoE gating at the shapes of the H200 gating target (T = 16384 tokens, E in 64, 128, 256, k in
 * 2, 8, renormalized) and top-k over one long row (4 million, k = 1024). On the CPU both are row
 * ops, whose target (benchmarks/TARGETS.md) is at least 0.7 x the copy bandwidth for the bytes
 * they must move; {@code panamax bench} shows that fraction.
 */
public class CpuTopKBenchmark extends CpuBenchmark {
    static final int TOKENS = 16384;
    static final int LONG_ROW = 4_000_000;

    /** Router logits [T, E]. */
    @State(Scope.Benchmark)
    public static class Gating {
        @Param({"64", "128", "256"})
        public int experts;

        @Param({"2", "8"})
        public int k;

        Tensor logits;

        @Setup(Level.Trial)
        public void setUp() {
            logits = Device.cpu().tensor(BenchData.uniform(TOKENS * experts, 9), TOKENS, experts);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            logits.close();
        }
    }

    /** One row of 4 million. */
    @State(Scope.Benchmark)
    public static class LongRow {
        Tensor row;

        @Setup(Level.Trial)
        public void setUp() {
            row = Device.cpu().tensor(BenchData.uniform(LONG_ROW, 10), 1, LONG_ROW);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            row.close();
        }
    }

    @Benchmark
    public void gating(Gating g) {
        try (Routing r = Ops.topKGating(g.logits, g.k, true)) {
            r.weights();
        }
    }

    @Benchmark
    public void topKLongRow(LongRow r) {
        try (TopK t = Ops.topK(r.row, 1024)) {
            t.values();
        }
    }

    /** Runs this benchmark; JMH's own options (-wi, -i, -f, -p ...) may follow. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(CpuTopKBenchmark.class.getSimpleName()).build()).run();
    }
}
