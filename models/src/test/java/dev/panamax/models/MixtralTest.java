package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;
import dev.panamax.models.hf.LlamaModel;
import dev.panamax.models.hf.ModelMaker;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MixtralForCausalLM (the MoE layer through topKGating and moe) on the CPU against the float64
 * reference, on a tiny generated model whose routing sends tokens to every expert of every layer.
 */
class MixtralTest {
    static ModelMaker.Spec spec() {
        return ModelMaker.Spec.mixtral().withSeed(13); // 2 layers, hidden 64, 4 experts, top 2, F 96
    }

    @Test
    void logitsMatchTheFloat64ReferenceWithEveryExpertChosen() throws Exception {
        Path dir = TestModels.dir(spec());
        Reference ref = new Reference(dir);
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), DType.F32)) {
            for (int n : new int[] {1, 5, 24}) {
                int[] prompt = TestModels.prompt(n, 256, 70 + n);
                double err = TestModels.relativeError(lm.logits(prompt), ref.logits(prompt));
                assertTrue(err <= 1e-5, "n = " + n + ": logits off the float64 reference by " + err);
            }
        }
        for (int l = 0; l < ref.expertHits.length; l++) {
            for (int e = 0; e < ref.expertHits[l].length; e++) {
                assertTrue(ref.expertHits[l][e] > 0, "layer " + l + " expert " + e + " was never chosen: "
                        + Arrays.toString(ref.expertHits[l]));
            }
        }
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), DType.BF16)) {
            int[] prompt = TestModels.prompt(9, 256, 3);
            double err = TestModels.relativeError(lm.logits(prompt), ref.logits(prompt));
            assertTrue(err <= 3e-2, "BF16: logits off the float64 reference by " + err);
        }
    }

    @Test
    void prefillInOnePassEqualsTokenByTokenDecoding() throws Exception {
        int[] prompt = TestModels.prompt(17, 256, 5);
        try (LlamaModel model = LlamaModel.load(TestModels.dir(spec()), Device.cpu(), DType.F32, null)) {
            float[] onePass;
            try (LlamaModel.Session s = model.session(prompt.length); Tensor t = s.forward(prompt)) {
                onePass = t.toFloatArray();
            }
            double[] stepwise = null;
            try (LlamaModel.Session s = model.session(prompt.length)) {
                for (int id : prompt) {
                    try (Tensor t = s.forward(new int[] {id})) {
                        float[] f = t.toFloatArray();
                        stepwise = new double[f.length];
                        for (int i = 0; i < f.length; i++) {
                            stepwise[i] = f[i];
                        }
                    }
                }
            }
            assertTrue(TestModels.relativeError(onePass, stepwise) <= 1e-5);
        }
    }

    @Test
    void greedyGenerationIsDeterministic() throws Exception {
        try (CausalLM lm = CausalLM.load(TestModels.dir(spec()), Device.cpu(), DType.BF16)) {
            int[] a = lm.generate(new int[] {1, 2, 3}, 12);
            assertEquals(12, a.length);
            assertTrue(Arrays.equals(a, lm.generate(new int[] {1, 2, 3}, 12)));
        }
    }
}
