package dev.panamax.models;

import dev.panamax.models.hf.Json;
import dev.panamax.models.hf.SafeTensors;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A float64 forward pass of a Llama checkpoint, written straight from the Hugging Face modeling
 * code (LlamaForCausalLM): the weights read from the safetensors bytes and widened to double, the
 * whole sequence at once with a causal mask, no KV cache; the rotary frequencies (and the llama3
 * scaling) computed in double from config.json.
 */
final class Reference {
    private final int hidden, inter, layers, heads, kvHeads, headDim, vocab, experts, topK;
    /** How many tokens chose each expert of each layer, over every logits() call: [layer][expert]. */
    final int[][] expertHits;
    private final double eps;
    private final double[] invFreq;
    private final Map<String, double[]> w = new java.util.HashMap<>();

    Reference(Path dir) throws IOException {
        Map<?, ?> c = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("config.json")));
        hidden = num(c, "hidden_size");
        inter = num(c, "intermediate_size");
        layers = num(c, "num_hidden_layers");
        heads = num(c, "num_attention_heads");
        kvHeads = num(c, "num_key_value_heads");
        headDim = c.get("head_dim") == null ? hidden / heads : num(c, "head_dim");
        vocab = num(c, "vocab_size");
        eps = ((Number) c.get("rms_norm_eps")).doubleValue();
        experts = c.get("num_local_experts") == null ? 0 : num(c, "num_local_experts");
        topK = c.get("num_experts_per_tok") == null ? 0 : num(c, "num_experts_per_tok");
        expertHits = new int[layers][Math.max(experts, 1)];
        double theta = ((Number) c.get("rope_theta")).doubleValue();
        invFreq = new double[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        }
        if (c.get("rope_scaling") instanceof Map<?, ?> rs) {
            double factor = ((Number) rs.get("factor")).doubleValue();
            double low = ((Number) rs.get("low_freq_factor")).doubleValue();
            double high = ((Number) rs.get("high_freq_factor")).doubleValue();
            double old = ((Number) rs.get("original_max_position_embeddings")).doubleValue();
            for (int i = 0; i < invFreq.length; i++) {
                double wavelen = 2 * Math.PI / invFreq[i];
                if (wavelen > old / low) {
                    invFreq[i] /= factor;
                } else if (wavelen >= old / high) {
                    double smooth = (old / wavelen - low) / (high - low);
                    invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
                }
            }
        }
        try (SafeTensors st = SafeTensors.open(dir)) {
            for (var e : st.entries().values()) {
                w.put(e.name(), widen(e.dtype(), e.data()));
            }
        }
        if (!w.containsKey("lm_head.weight")) {
            w.put("lm_head.weight", w.get("model.embed_tokens.weight"));
        }
    }

    /**
     * Replaces every linear weight of the layers (q, k, v, o, gate, up, down, the experts' w1, w2,
     * w3; not the embeddings, norms, router or head) by its symmetric per-row INT8 approximation,
     * computed here as Ops.quantize specifies it: s = max|row| / 127 in F32, q = round-half-even of
     * the F32 quotient w / s clamped to [-127, 127], the weight then q · s (in double). Returns this.
     */
    Reference quantizeLinearWeights() {
        for (var e : w.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("model.layers.") || name.contains("layernorm") || name.endsWith("moe.gate.weight")) {
                continue;
            }
            int cols = name.contains("o_proj") ? heads * headDim
                    : name.contains("down_proj") || name.endsWith(".w2.weight") ? inter : hidden;
            double[] v = e.getValue().clone();
            for (int r = 0; r < v.length / cols; r++) {
                float max = 0;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, Math.abs((float) v[r * cols + c]));
                }
                float scale = max / 127f;
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    double q = scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.rint((float) v[i] / scale)));
                    v[i] = q * scale;
                }
            }
            e.setValue(v);
        }
        return this;
    }

    private static int num(Map<?, ?> c, String key) {
        return ((Number) c.get(key)).intValue();
    }

    private static double[] widen(String dtype, MemorySegment data) {
        var le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case "BF16" -> {
                double[] out = new double[(int) (data.byteSize() / 2)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((data.getAtIndex(le, i) & 0xFFFF) << 16);
                }
                yield out;
            }
            case "F16" -> {
                double[] out = new double[(int) (data.byteSize() / 2)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(data.getAtIndex(le, i));
                }
                yield out;
            }
            case "F32" -> {
                double[] out = new double[(int) (data.byteSize() / 4)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
                }
                yield out;
            }
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    /** The logits [vocab] after the last token of the sequence. */
    double[] logits(int[] ids) {
        int s = ids.length;
        double[][] x = new double[s][];
        double[] embed = w.get("model.embed_tokens.weight");
        for (int t = 0; t < s; t++) {
            x[t] = java.util.Arrays.copyOfRange(embed, ids[t] * hidden, (ids[t] + 1) * hidden);
        }
        int group = heads / kvHeads;
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[s][], k = new double[s][], v = new double[s][];
            for (int t = 0; t < s; t++) {
                double[] n = rmsNorm(x[t], w.get(p + "input_layernorm.weight"));
                q[t] = rope(linear(w.get(p + "self_attn.q_proj.weight"), n, heads * headDim), t, heads);
                k[t] = rope(linear(w.get(p + "self_attn.k_proj.weight"), n, kvHeads * headDim), t, kvHeads);
                v[t] = linear(w.get(p + "self_attn.v_proj.weight"), n, kvHeads * headDim);
            }
            for (int t = 0; t < s; t++) {
                double[] att = new double[heads * headDim];
                for (int h = 0; h < heads; h++) {
                    int kh = h / group;
                    double[] score = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double dot = 0;
                        for (int i = 0; i < headDim; i++) {
                            dot += q[t][h * headDim + i] * k[j][kh * headDim + i];
                        }
                        score[j] = dot / Math.sqrt(headDim);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) {
                        score[j] = Math.exp(score[j] - max);
                        sum += score[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < headDim; i++) {
                            att[h * headDim + i] += score[j] / sum * v[j][kh * headDim + i];
                        }
                    }
                }
                double[] o = linear(w.get(p + "self_attn.o_proj.weight"), att, hidden);
                for (int i = 0; i < hidden; i++) {
                    x[t][i] += o[i];
                }
            }
            for (int t = 0; t < s; t++) {
                double[] n = rmsNorm(x[t], w.get(p + "post_attention_layernorm.weight"));
                if (experts == 0) {
                    double[] d = mlp(n, p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight", p + "mlp.down_proj.weight");
                    for (int i = 0; i < hidden; i++) {
                        x[t][i] += d[i];
                    }
                    continue;
                }
                // MixtralSparseMoeBlock: softmax of the router logits, top k, renormalized
                double[] logits = linear(w.get(p + "block_sparse_moe.gate.weight"), n, experts);
                double max = java.util.Arrays.stream(logits).max().orElseThrow();
                double[] prob = new double[experts];
                for (int e = 0; e < experts; e++) {
                    prob[e] = Math.exp(logits[e] - max);
                }
                boolean[] taken = new boolean[experts];
                int[] chosen = new int[topK];
                double sum = 0;
                for (int j = 0; j < topK; j++) {
                    int best = -1;
                    for (int e = 0; e < experts; e++) {
                        if (!taken[e] && (best < 0 || prob[e] > prob[best])) {
                            best = e;
                        }
                    }
                    taken[best] = true;
                    chosen[j] = best;
                    sum += prob[best];
                    expertHits[l][best]++;
                }
                for (int j = 0; j < topK; j++) {
                    String e = p + "block_sparse_moe.experts." + chosen[j] + ".";
                    double[] d = mlp(n, e + "w1.weight", e + "w3.weight", e + "w2.weight");
                    for (int i = 0; i < hidden; i++) {
                        x[t][i] += prob[chosen[j]] / sum * d[i];
                    }
                }
            }
        }
        double[] last = rmsNorm(x[s - 1], w.get("model.norm.weight"));
        return linear(w.get("lm_head.weight"), last, vocab);
    }

    /** down (silu(gate n) * up n). */
    private double[] mlp(double[] n, String gate, String up, String down) {
        double[] g = linear(w.get(gate), n, inter);
        double[] u = linear(w.get(up), n, inter);
        for (int i = 0; i < inter; i++) {
            g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        }
        return linear(w.get(down), g, hidden);
    }

    private double[] rmsNorm(double[] x, double[] gamma) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double r = 1 / Math.sqrt(ss / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * r * gamma[i];
        }
        return out;
    }

    /** w [out, in] (nn.Linear) times x [in]. */
    private static double[] linear(double[] w, double[] x, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = 0;
            for (int i = 0; i < in; i++) {
                sum += w[o * in + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    /** rotate_half rotary embedding of every head of x at position pos. */
    private double[] rope(double[] x, int pos, int n) {
        int half = headDim / 2;
        for (int h = 0; h < n; h++) {
            for (int i = 0; i < half; i++) {
                double a = pos * invFreq[i];
                double x1 = x[h * headDim + i], x2 = x[h * headDim + i + half];
                x[h * headDim + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
                x[h * headDim + i + half] = x1 * Math.sin(a) + x2 * Math.cos(a);
            }
        }
        return x;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
