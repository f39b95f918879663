package dev.panamax.jmh.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.tool.OpenBlas;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * F32 GEMM c = a @ op(b) through the public API (Ops.gemm on the CPU device), beside OpenBLAS
 * {@code cblas_sgemm} through FFM on the same inputs with the same thread count
 * ({@code panamax.cpu.threads}, default all processors). {@code shape}: "N" for M = N = K (512,
 * 1024, 2048: GFLOP/s = 2 N^3 / time; target in benchmarks/TARGETS.md: panamax >= 0.95 x
 * OpenBLAS at its best kernel), or "MxN" for M rows against a square [N, N] b (1x4096, 8x4096:
 * decoding-sized products, bound by reading b). {@code transB} stores b transposed
 * (-p transB=false,true). Without libopenblas.so.0 the OpenBLAS benchmark fails its setup with the
 * reason and how to install it; the others run.
 *
 * <p>OpenBLAS picks its kernel when it loads, and {@code OPENBLAS_CORETYPE} or
 * {@code OPENBLAS_L2_SIZE} in the environment can make it pick a slower one than the CPU allows.
 * JMH forks inherit the environment of the JMH process: {@code ./panamax jmh} starts it without
 * both. The OpenBLAS fork prints the kernel it runs ({@code # OpenBLAS kernel: ...}).
 */
public class CpuGemmBenchmark extends CpuBenchmark {

    /** The operands as device tensors and as plain native segments. */
    @State(Scope.Benchmark)
    public static class Operands {
        @Param({"512", "1024", "2048", "1x4096", "8x4096"})
        public String shape;

        @Param({"false"})
        public boolean transB;

        int m;
        int n;

        Tensor a;
        Tensor b;
        Tensor c;
        Arena arena;
        MemorySegment sa;
        MemorySegment sb;
        MemorySegment sc;

        @Setup(Level.Trial)
        public void setUp() {
            String[] parts = shape.split("x");
            n = Integer.parseInt(parts[parts.length - 1]);
            m = Integer.parseInt(parts[0]);
            Device cpu = Device.cpu();
            float[] x = BenchData.uniform(m * n, 1), y = BenchData.uniform(n * n, 2);
            a = cpu.tensor(x, m, n);
            b = cpu.tensor(y, n, n);
            c = cpu.zeros(DType.F32, m, n);
            arena = Arena.ofShared();
            sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, y);
            sc = arena.allocate((long) m * n * Float.BYTES, 64);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            a.close();
            b.close();
            c.close();
            arena.close();
        }
    }

    /** OpenBLAS, loaded and set to the CPU device's thread count; fails setup when absent. */
    @State(Scope.Benchmark)
    public static class Blas {
        @Setup(Level.Trial)
        public void setUp() {
            OpenBlas.unavailability().ifPresent(why -> {
                throw new UnsupportedOperationException(why);
            });
            OpenBlas.setThreads(BenchData.threads());
            System.out.println("# OpenBLAS kernel: " + OpenBlas.coreName() + " (" + OpenBlas.config() + "; "
                    + OpenBlas.environment() + ")");
        }
    }

    @Benchmark
    public void panamax(Operands o) {
        Ops.gemm(1f, o.a, false, o.b, o.transB, 0f, o.c);
    }

    @Benchmark
    public void openblas(Operands o, Blas blas) {
        OpenBlas.sgemm(false, o.transB, o.m, o.n, o.n, 1f, o.sa, o.sb, 0f, o.sc);
    }

    /** Runs this benchmark; JMH's own options (-wi, -i, -f, -p ...) may follow. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(CpuGemmBenchmark.class.getSimpleName()).build()).run();
    }
}
