package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;
import dev.panamax.models.hf.LlamaConfig;
import dev.panamax.models.hf.LlamaModel;
import dev.panamax.models.hf.ModelMaker;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CausalLM on the CPU against the float64 reference forward pass of the same checkpoint (the
 * Hugging Face modeling code transcribed in {@link Reference}), on tiny generated Llama models
 * with grouped-query attention.
 */
class CausalLMTest {
    /** F32 weights hold the BF16 values exactly; only F32 arithmetic separates them from float64 (measured 2e-7 .. 5e-7). */
    private static final double F32_TOLERANCE = 1e-5;
    /** BF16 activations: a rounding of 2^-9 at every step of two layers (measured 3.5e-3). */
    private static final double BF16_TOLERANCE = 2e-2;

    private static void checkAgainstReference(ModelMaker.Spec spec, DType dtype, double tolerance, int promptLength)
            throws Exception {
        Path dir = TestModels.dir(spec);
        Reference ref = new Reference(dir);
        int[] prompt = TestModels.prompt(promptLength, spec.vocab(), spec.seed() * 31 + promptLength);
        double[] expected = ref.logits(prompt);
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), dtype)) {
            assertEquals(spec.vocab(), lm.vocabularySize());
            float[] got = lm.logits(prompt);
            double err = TestModels.relativeError(got, expected);
            assertTrue(err <= tolerance, dtype + " prompt " + Arrays.toString(prompt) + ": logits off the float64"
                    + " reference by " + err + " of their largest (tolerance " + tolerance + ")");
        }
    }

    @Test
    void logitsMatchTheFloat64ReferenceInF32() throws Exception {
        for (int n : new int[] {1, 2, 7, 33}) {
            checkAgainstReference(TestModels.llama(), DType.F32, F32_TOLERANCE, n);
        }
    }

    @Test
    void logitsMatchTheFloat64ReferenceInBf16AndF16() throws Exception {
        checkAgainstReference(TestModels.llama(), DType.BF16, BF16_TOLERANCE, 9);
        checkAgainstReference(TestModels.llama(), DType.F16, BF16_TOLERANCE / 8, 9); // measured 4.6e-4
    }

    @Test
    void deeperModelWithOtherShapes() throws Exception {
        // 3 layers, 6 heads on 3 KV heads of 16, an intermediate size that is no power of two
        ModelMaker.Spec spec = TestModels.llama().withLayers(3).withShape(96, 6, 3, 200, 301).withSeed(11);
        checkAgainstReference(spec, DType.F32, F32_TOLERANCE, 12);
    }

    @Test
    void tiedEmbeddings() throws Exception {
        ModelMaker.Spec spec = TestModels.llama().withTiedEmbeddings(true).withSeed(3);
        try (var st = dev.panamax.models.hf.SafeTensors.open(TestModels.dir(spec))) {
            assertTrue(!st.contains("lm_head.weight"), "a tied checkpoint has no lm_head.weight");
        }
        checkAgainstReference(spec, DType.F32, F32_TOLERANCE, 8);
    }

    @Test
    void llama3RopeScaling() throws Exception {
        // original context 64 with head size 16, theta 10000: wavelengths 6.3 .. 5e3, so the low
        // (divided by 8), the medium (blended) and the high (kept) bands all occur
        var scaling = new LlamaConfig.Llama3RopeScaling(8, 1, 4, 64);
        ModelMaker.Spec spec = TestModels.llama().withRopeScaling(scaling).withSeed(5);
        checkAgainstReference(spec, DType.F32, F32_TOLERANCE, 40);
        LlamaConfig config = LlamaConfig.read(TestModels.dir(spec));
        float[] scaled = config.inverseFrequencies();
        float[] plain = LlamaConfig.read(TestModels.dir(TestModels.llama().withSeed(5))).inverseFrequencies();
        int divided = 0, kept = 0, blended = 0;
        for (int i = 0; i < plain.length; i++) {
            if (scaled[i] == plain[i]) {
                kept++;
            } else if (Math.abs(scaled[i] - plain[i] / 8) <= 1e-6 * plain[i]) {
                divided++;
            } else {
                blended++;
            }
        }
        assertTrue(kept > 0 && divided > 0 && blended > 0, "bands: kept " + kept + ", divided " + divided
                + ", blended " + blended);
        // and the scaling changes the model's output: the test above could not pass without it
        try (CausalLM a = CausalLM.load(TestModels.dir(spec), Device.cpu(), DType.F32);
             CausalLM b = CausalLM.load(TestModels.dir(TestModels.llama().withSeed(5)), Device.cpu(), DType.F32)) {
            int[] prompt = TestModels.prompt(40, 256, 1);
            assertTrue(!Arrays.equals(a.logits(prompt), b.logits(prompt)));
        }
    }

    @Test
    void prefillInOnePassEqualsTokenByTokenDecoding() throws Exception {
        Path dir = TestModels.dir(TestModels.llama());
        int[] prompt = TestModels.prompt(21, 256, 99);
        try (LlamaModel model = LlamaModel.load(dir, Device.cpu(), DType.F32, null)) {
            float[] onePass;
            try (LlamaModel.Session s = model.session(prompt.length); Tensor t = s.forward(prompt)) {
                onePass = t.toFloatArray();
            }
            float[] stepwise = null;
            try (LlamaModel.Session s = model.session(prompt.length)) {
                for (int id : prompt) {
                    try (Tensor t = s.forward(new int[] {id})) {
                        stepwise = t.toFloatArray();
                    }
                }
                assertEquals(prompt.length, s.length());
            }
            double[] ref = new double[stepwise.length];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = stepwise[i];
            }
            double err = TestModels.relativeError(onePass, ref);
            assertTrue(err <= 1e-5, "prefill and token-by-token logits differ by " + err);
            // a split prompt: 13 tokens in one pass, then 8
            try (LlamaModel.Session s = model.session(prompt.length)) {
                s.forward(Arrays.copyOf(prompt, 13)).close();
                try (Tensor t = s.forward(Arrays.copyOfRange(prompt, 13, 21))) {
                    assertTrue(TestModels.relativeError(t.toFloatArray(), ref) <= 1e-5);
                }
            }
        }
    }

    @Test
    void greedyGenerationFollowsTheReference() throws Exception {
        Path dir = TestModels.dir(TestModels.llama());
        Reference ref = new Reference(dir);
        int[] prompt = TestModels.prompt(5, 256, 17);
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), DType.F32)) {
            int[] got = lm.generate(prompt, 10);
            int[] seq = Arrays.copyOf(prompt, prompt.length + got.length);
            for (int i = 0; i < got.length; i++) {
                double[] logits = ref.logits(Arrays.copyOf(seq, prompt.length + i));
                int best = Reference.argmax(logits);
                double[] sorted = logits.clone();
                Arrays.sort(sorted);
                double margin = sorted[sorted.length - 1] - sorted[sorted.length - 2];
                if (margin > 1e-3) { // a near tie may go either way in F32
                    assertEquals(best, got[i], "token " + i + " of " + Arrays.toString(got));
                }
                seq[prompt.length + i] = got[i];
            }
            assertArrayEquals(got, lm.generate(prompt, 10), "greedy generation is deterministic");
            int[] streamed = new int[10];
            int[] n = {0};
            lm.generate(prompt, 10, id -> streamed[n[0]++] = id);
            assertArrayEquals(got, streamed);
            assertEquals(0, lm.generate(prompt, 0).length);
        }
    }

    @Test
    void callsFromSeveralThreadsAtOnce() throws Exception {
        Path dir = TestModels.dir(TestModels.llama());
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), DType.BF16)) {
            int[][] prompts = new int[4][];
            int[][] expected = new int[4][];
            for (int i = 0; i < 4; i++) {
                prompts[i] = TestModels.prompt(3 + 5 * i, 256, 40 + i);
                expected[i] = lm.generate(prompts[i], 12);
            }
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                var futures = new java.util.ArrayList<java.util.concurrent.Future<int[]>>();
                for (int i = 0; i < 4; i++) {
                    int[] p = prompts[i];
                    futures.add(pool.submit(() -> lm.generate(p, 12)));
                }
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(expected[i], futures.get(i).get(), "prompt " + i);
                }
            }
        }
    }

    @Test
    void badArgumentsAreRefusedClearly() throws Exception {
        Path dir = TestModels.dir(TestModels.llama());
        var e = assertThrows(IllegalArgumentException.class, () -> CausalLM.load(dir, Device.cpu(), DType.I32));
        assertTrue(e.getMessage().contains("I32"), e.getMessage());
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), DType.BF16)) {
            assertThrows(IllegalArgumentException.class, () -> lm.logits(new int[0]));
            var bad = assertThrows(IllegalArgumentException.class, () -> lm.logits(new int[] {3, 256}));
            assertTrue(bad.getMessage().contains("256"), bad.getMessage());
            var tooLong = assertThrows(IllegalArgumentException.class, () -> lm.generate(new int[] {1}, 600));
            assertTrue(tooLong.getMessage().contains("512"), tooLong.getMessage());
        }
    }
}
