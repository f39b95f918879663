package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.models.hf.ModelMaker;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same checkpoint on another device gives the CPU's greedy generation token for token and
 * logits within rounding of the CPU's. Subclasses name the device; where it is missing the test is
 * skipped with the reason, unless panamax.require names its backend.
 */
abstract class BackendAgreement {
    /** Opens spec, or skips (or fails, when required) with the reason it is missing. */
    static Device open(String spec) {
        String backend = spec.replaceAll(":.*", "");
        String require = System.getProperty("panamax.require", System.getenv().getOrDefault("PANAMAX_REQUIRE", ""));
        boolean required = Arrays.asList(require.toLowerCase(Locale.ROOT).split(",")).contains(backend);
        try {
            return Device.open(spec);
        } catch (DeviceUnavailableException e) {
            if (required) {
                throw new AssertionError("panamax.require=" + require + " but " + spec + " is unavailable: " + e.getMessage(), e);
            }
            Assumptions.abort(spec + " is unavailable: " + e.getMessage());
            throw e;
        }
    }

    static void agreeWithTheCpu(String spec, ModelMaker.Spec model, DType dtype, int promptLength, int tokens)
            throws Exception {
        Path dir = TestModels.dir(model);
        int[] prompt = TestModels.prompt(promptLength, model.vocab(), 23);
        int[] cpuTokens;
        float[] cpuLogits;
        try (CausalLM lm = CausalLM.load(dir, Device.cpu(), dtype)) {
            cpuTokens = lm.generate(prompt, tokens);
            cpuLogits = lm.logits(prompt);
        }
        try (Device device = open(spec); CausalLM lm = CausalLM.load(dir, device, dtype)) {
            int[] got = lm.generate(prompt, tokens);
            assertArrayEquals(cpuTokens, got, spec + " " + dtype + ": greedy generation differs from the cpu's");
            float[] logits = lm.logits(prompt);
            double[] ref = new double[cpuLogits.length];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = cpuLogits[i];
            }
            double err = TestModels.relativeError(logits, ref);
            double tolerance = dtype == DType.F32 ? 1e-4 : 3e-2;
            assertTrue(err <= tolerance, spec + " " + dtype + ": logits off the cpu's by " + err);
        }
    }
}
