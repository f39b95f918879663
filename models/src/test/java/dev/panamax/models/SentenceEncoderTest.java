package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** all-MiniLM-L6-v2 on the CPU backend against ONNX Runtime. */
class SentenceEncoderTest {
    @Test
    void matchesOnnxRuntimeOnTheCorpusF32() throws Exception {
        double worst = SentenceEncoderChecks.check(Device.cpu(), DType.F32, SentenceEncoderChecks.corpus(), 0.9999);
        System.out.println("cpu F32: smallest cosine with ONNX Runtime " + worst);
    }

    @Test
    void halfPrecisionWeightsStayClose() throws Exception {
        // Weights and activations rounded to F16 (11 significant bits) or BF16 (8) at every op:
        // cosine >= 0.9999 (F16) and >= 0.999 (BF16) with ONNX Runtime's F32 result. Measured on
        // this corpus: 0.9999985 (F16) and 0.99986 (BF16), worst text.
        double f16 = SentenceEncoderChecks.check(Device.cpu(), DType.F16, SentenceEncoderChecks.corpus(), 0.9999);
        double bf16 = SentenceEncoderChecks.check(Device.cpu(), DType.BF16, SentenceEncoderChecks.corpus(), 0.999);
        System.out.println("cpu F16: smallest cosine " + f16 + ", BF16: " + bf16);
    }

    @Test
    void batchingDoesNotChangeAnEmbedding() {
        try (SentenceEncoder enc = SentenceEncoder.load(MiniLm.jar(), Device.cpu())) {
            List<String> texts = SentenceEncoderChecks.corpus();
            float[][] together = enc.encode(texts);
            for (int i : new int[] {0, 3, 16}) {
                float[] alone = enc.encode(List.of(texts.get(i)))[0];
                double cos = OnnxRuntimeReference.cosine(alone, together[i]);
                assertTrue(cos >= 0.99999, "text " + i + ": alone vs in a padded batch, cosine " + cos);
            }
            assertEquals(0, enc.encode(List.of()).length);
        }
    }

    @Test
    void refusesI32AndUseAfterClose() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SentenceEncoder.load(MiniLm.jar(), Device.cpu(), DType.I32));
        assertTrue(e.getMessage().contains("I32"), e.getMessage());
        SentenceEncoder enc = SentenceEncoder.load(MiniLm.jar(), Device.cpu());
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, enc.tokenize("Hello world"));
        enc.close();
        enc.close();
        assertThrows(IllegalStateException.class, () -> enc.encode(List.of("x")));
    }
}
