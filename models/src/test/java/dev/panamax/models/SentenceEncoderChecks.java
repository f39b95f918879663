package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.models.bert.EncoderFiles;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sentence encoder on one device against ONNX Runtime on the same token ids: cosine of every
 * embedding with the reference, and its norm.
 */
final class SentenceEncoderChecks {
    private SentenceEncoderChecks() {
    }

    /** ~20 texts: accents, CJK, emoji, a text past the token limit, and very different lengths. */
    static List<String> corpus() {
        List<String> c = new ArrayList<>(List.of(
                "Hello world",
                "The quick brown fox jumps over the lazy dog.",
                "Crème brûlée, naïve café, Ångström, Øresund, façade, jalapeño.",
                "北京是中国的首都。我爱自然语言处理！",
                "日本語のテキストとカタカナ、ひらがな",
                "Emoji 😀🎉👍🏽 and punctuation!!! ??? ...",
                "A",
                "",
                "Sentence embeddings map text to vectors whose cosine similarity reflects meaning.",
                "Panamax runs GPU kernels from Java through the Foreign Function and Memory API.",
                "¿Dónde está la biblioteca? Está al lado del museo.",
                "Der schnelle braune Fuchs springt über den faulen Hund.",
                "Москва — столица России.",
                "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
                "1, 2, 3, 4, 5 — numbers and 3.14159 and 2026-12-06",
                "The cat sat on the mat. The dog sat on the log. The bird sat on the branch."));
        c.add(String.join(" ", Collections.nCopies(60, "A long text that goes on and on,")));  // ~500 tokens
        c.add(String.join(" ", Collections.nCopies(120, "far past the limit of the model")));  // truncated to 512
        c.add(String.join(" ", Collections.nCopies(20, "medium length text with some words")));
        c.add("short");
        return c;
    }

    /**
     * Encodes the texts on the device in one call (one padded batch) and compares each embedding
     * with ONNX Runtime's; returns the smallest cosine.
     */
    static double check(Device device, DType dtype, List<String> texts, double minCosine) throws Exception {
        EncoderFiles files = EncoderFiles.open(MiniLm.jar());
        try (SentenceEncoder enc = SentenceEncoder.load(MiniLm.jar(), device, dtype);
                OnnxRuntimeReference ort = new OnnxRuntimeReference(OnnxRuntimeReference.bytes(files.onnx()),
                        Runtime.getRuntime().availableProcessors())) {
            assertEquals(384, enc.dimension());
            assertEquals(512, enc.maxTokens());
            List<int[]> ids = texts.stream().map(enc::tokenize).toList();
            float[][] actual = enc.encode(texts);
            float[][] expected = ort.encode(ids);
            double worst = 1;
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(384, actual[i].length);
                double cos = OnnxRuntimeReference.cosine(actual[i], expected[i]);
                double norm = Math.sqrt(dot(actual[i]));
                worst = Math.min(worst, cos);
                String text = texts.get(i);
                String what = device.spec() + " " + dtype + ", text " + i + " ("
                        + ids.get(i).length + " tokens) \"" + text.substring(0, Math.min(40, text.length())) + "\"";
                assertTrue(cos >= minCosine, what + ": cosine " + cos + " < " + minCosine);
                assertEquals(1.0, norm, 1e-3, what + ": not unit length");
            }
            return worst;
        }
    }

    private static double dot(float[] a) {
        double s = 0;
        for (float x : a) {
            s += (double) x * x;
        }
        return s;
    }
}
