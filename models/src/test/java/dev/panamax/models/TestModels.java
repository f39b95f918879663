package dev.panamax.models;

import dev.panamax.models.hf.ModelMaker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny generated checkpoints for the tests, made once under target/test-models (a directory per
 * spec, reused by later runs and never committed).
 */
final class TestModels {
    private TestModels() {
    }

    /** 2 layers, hidden 64, 4 query heads on 2 KV heads (GQA), head size 16, vocabulary 256. */
    static ModelMaker.Spec llama() {
        return ModelMaker.Spec.llama().withSeed(7);
    }

    /** The directory of spec's checkpoint, made when missing. */
    static synchronized Path dir(ModelMaker.Spec spec) throws IOException {
        String key = spec.arch() + "-" + Integer.toHexString(spec.toString().hashCode());
        Path dir = Path.of("target", "test-models", key).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("model.safetensors")) || !Files.isRegularFile(dir.resolve("config.json"))) {
            ModelMaker.make(spec, dir, bytes -> { });
        }
        return dir;
    }

    /** A seeded prompt of n ids in [0, vocab). */
    static int[] prompt(int n, int vocab, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    /** max |a - b| over max |b|. */
    static double relativeError(float[] a, double[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < b.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}
