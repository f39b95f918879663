package dev.panamax.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.models.bert.EncoderFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An indicative timing of all-MiniLM-L6-v2 on the CPU backend against ONNX Runtime (intra-op
 * threads = cores) in the same JVM, batch 32 x 128 tokens and 1 x 16: the median of timed runs
 * after 5 s of warm-up each. Off by default (-Dpanamax.test.timing=true runs it); the bench case {@code bert}
 * is the place for figures to publish.
 */
@EnabledIfSystemProperty(named = "panamax.test.timing", matches = "true")
class SentenceEncoderTimingTest {
    @Test
    void cpuAgainstOnnxRuntime() throws Exception {
        try (SentenceEncoder enc = SentenceEncoder.load(MiniLm.jar(), Device.cpu())) {
            compare(enc, MiniLm.jar(), "F32");
        }
    }

    /**
     * INT8: the F32 model quantized at load, and the -q artifact with its own INT8 weights, each
     * against ONNX Runtime running the -q artifact (its MatMulInteger INT8 kernels).
     */
    @Test
    void cpuInt8AgainstOnnxRuntimeInt8() throws Exception {
        try (SentenceEncoder enc = SentenceEncoder.load(MiniLm.jar(), Device.cpu(), DType.I8)) {
            compare(enc, MiniLm.quantizedJar(), "I8 (quantized at load) vs ort INT8");
        }
        try (SentenceEncoder enc = SentenceEncoder.load(MiniLm.quantizedJar(), Device.cpu())) {
            compare(enc, MiniLm.quantizedJar(), "-q artifact vs ort INT8");
        }
    }

    private static void compare(SentenceEncoder enc, Path ortModel, String what) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        EncoderFiles files = EncoderFiles.open(ortModel);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(cores);
            try (OrtSession ort = env.createSession(OnnxRuntimeReference.bytes(files.onnx()), options)) {
                for (int[] shape : new int[][] {{32, 128}, {1, 16}}) {
                    int b = shape[0];
                    int s = shape[1];
                    Random r = new Random(42);
                    List<int[]> ids = new ArrayList<>();
                    long[][] ortIds = new long[b][s];
                    long[][] mask = new long[b][s];
                    for (int i = 0; i < b; i++) {
                        int[] t = new int[s];
                        t[0] = 101;
                        t[s - 1] = 102;
                        for (int j = 1; j < s - 1; j++) {
                            t[j] = 1000 + r.nextInt(29000);
                        }
                        ids.add(t);
                        for (int j = 0; j < s; j++) {
                            ortIds[i][j] = t[j];
                            mask[i][j] = 1;
                        }
                    }
                    int runs = b == 1 ? 30 : 5;
                    double ours = median(runs, () -> enc.encodeIds(ids));
                    double theirs;
                    try (OnnxTensor a = OnnxTensor.createTensor(env, ortIds);
                            OnnxTensor m = OnnxTensor.createTensor(env, mask);
                            OnnxTensor ty = OnnxTensor.createTensor(env, new long[b][s])) {
                        Map<String, OnnxTensor> in = Map.of("input_ids", a, "attention_mask", m, "token_type_ids", ty);
                        theirs = median(runs, () -> {
                            try (OrtSession.Result res = ort.run(in)) {
                                res.get(0).getValue();
                            }
                        });
                    }
                    System.out.printf("bert all-MiniLM-L6-v2 cpu %s B=%d S=%d: panamax %.1f ms, onnxruntime %.1f ms"
                            + " (%d threads): panamax/ort time %.2f%n", what, b, s, ours, theirs, cores, ours / theirs);
                }
            }
        }
    }

    interface Run {
        void run() throws Exception;
    }

    /** The median of {@code runs} timed runs after warm-up: at least 2 runs and 5 s, so that C2 has compiled the kernels. */
    private static double median(int runs, Run r) throws Exception {
        long warm = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - warm < 5_000_000_000L; i++) {
            r.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }
}
