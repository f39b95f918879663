package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 on opencl:0 (PoCL here) against ONNX Runtime; skipped with the reason without
 * OpenCL, unless panamax.require (or PANAMAX_REQUIRE) names opencl, as in the core's suites.
 */
class SentenceEncoderOpenClTest {
    private static Device openOrSkip() {
        try {
            return Device.open("opencl:0");
        } catch (DeviceUnavailableException e) {
            String require = System.getProperty("panamax.require", System.getenv().getOrDefault("PANAMAX_REQUIRE", ""));
            if (require.toLowerCase(java.util.Locale.ROOT).contains("opencl")) {
                throw new AssertionError("panamax.require names opencl but opencl:0 is unavailable: " + e.getMessage(), e);
            }
            Assumptions.abort("opencl:0 unavailable, skipped: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }

    @Test
    void matchesOnnxRuntimeOnTheCorpusF32() throws Exception {
        try (Device d = openOrSkip()) {
            double worst = SentenceEncoderChecks.check(d, DType.F32, SentenceEncoderChecks.corpus(), 0.9999);
            System.out.println(d.spec() + " F32: smallest cosine with ONNX Runtime " + worst);
        }
    }

    @Test
    void halfPrecision() throws Exception {
        try (Device d = openOrSkip()) {
            double f16 = SentenceEncoderChecks.check(d, DType.F16, SentenceEncoderChecks.corpus().subList(0, 6), 0.9999);
            double bf16 = SentenceEncoderChecks.check(d, DType.BF16, SentenceEncoderChecks.corpus().subList(0, 6), 0.999);
            System.out.println(d.spec() + " F16: smallest cosine " + f16 + ", BF16: " + bf16);
        }
    }
}
