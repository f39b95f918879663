package dev.panamax.jmh.cuda;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * What one kernel launch costs from Java: {@code empty_kernel} (kernels/cuda/launch_probe.cu; no
 * parameters, grid 1, block 1) from the same packed fatbin, in the same primary context, three
 * ways: through the Panamax CUDA device (the path every op takes: kernel lookup, context check,
 * argument checks, {@code cuLaunchKernel} through FFM), through the raw FFM bindings
 * ({@code cuda_h.cuLaunchKernel} alone), and through JCuda 12.0 (JNI). Each is timed two ways:
 * one launch and a stream synchronize (the round trip), and {@value #BATCH} launches then one
 * synchronize, reported per launch (the host's cost while the GPU keeps up).
 * Target (benchmarks/TARGETS.md): the Panamax path costs no more per launch than JCuda.
 *
 * <p>Needs an NVIDIA GPU. {@link #main} prints why and exits 0 without one; a direct JMH run fails
 * each benchmark's setup with the reason, so no figure appears that was not measured.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class CudaLaunchBenchmark {
    static final int BATCH = 64;

    @Benchmark
    public void panamaxLaunchSync(LaunchPaths.Panamax p) {
        p.probe.launchEmpty();
        p.probe.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void panamaxLaunchBatch(LaunchPaths.Panamax p) {
        for (int i = 0; i < BATCH; i++) {
            p.probe.launchEmpty();
        }
        p.probe.synchronize();
    }

    @Benchmark
    public void bindingsLaunchSync(LaunchPaths.Bindings p) {
        p.launch();
        p.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void bindingsLaunchBatch(LaunchPaths.Bindings p) {
        for (int i = 0; i < BATCH; i++) {
            p.launch();
        }
        p.synchronize();
    }

    @Benchmark
    public void jcudaLaunchSync(LaunchPaths.JCuda p) {
        p.launch();
        p.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void jcudaLaunchBatch(LaunchPaths.JCuda p) {
        for (int i = 0; i < BATCH; i++) {
            p.launch();
        }
        p.synchronize();
    }

    /** Runs these benchmarks, or says why not (no GPU, no driver, no kernels) and exits 0. */
    public static void main(String[] args) throws RunnerException {
        String why = LaunchPaths.unavailable();
        if (why != null) {
            System.out.println("CudaLaunchBenchmark skipped: " + why);
            return;
        }
        new Runner(new OptionsBuilder().include(CudaLaunchBenchmark.class.getName()).build()).run();
    }
}
