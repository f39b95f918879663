package dev.panamax.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime (CPU) running the same .onnx graph: the reference of the sentence encoder tests.
 * Its last_hidden_state is mean-pooled over the real tokens and L2-normalized in double, as
 * sentence-transformers does.
 */
final class OnnxRuntimeReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntimeReference(byte[] onnx, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            session = env.createSession(onnx, options);
        }
    }

    static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** One embedding per token sequence (each run alone: no padding in the reference). */
    float[][] encode(List<int[]> ids) throws OrtException {
        float[][] out = new float[ids.size()][];
        for (int i = 0; i < ids.size(); i++) {
            out[i] = encodeOne(ids.get(i));
        }
        return out;
    }

    private float[] encodeOne(int[] tokens) throws OrtException {
        int s = tokens.length;
        long[][] ids = new long[1][s];
        long[][] mask = new long[1][s];
        long[][] types = new long[1][s];
        for (int j = 0; j < s; j++) {
            ids[0][j] = tokens[j];
            mask[0][j] = 1;
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor a = OnnxTensor.createTensor(env, ids);
                OnnxTensor m = OnnxTensor.createTensor(env, mask);
                OnnxTensor t = OnnxTensor.createTensor(env, types)) {
            inputs.put("input_ids", a);
            inputs.put("attention_mask", m);
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", t);
            }
            try (OrtSession.Result r = session.run(inputs)) {
                float[][][] hidden = (float[][][]) r.get(0).getValue();
                int h = hidden[0][0].length;
                double[] mean = new double[h];
                for (int j = 0; j < s; j++) {
                    for (int c = 0; c < h; c++) {
                        mean[c] += hidden[0][j][c];
                    }
                }
                double norm = 0;
                for (int c = 0; c < h; c++) {
                    mean[c] /= s;
                    norm += mean[c] * mean[c];
                }
                norm = Math.max(Math.sqrt(norm), 1e-12);
                float[] out = new float[h];
                for (int c = 0; c < h; c++) {
                    out[c] = (float) (mean[c] / norm);
                }
                return out;
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    static Path model() {
        return MiniLm.jar();
    }
}
