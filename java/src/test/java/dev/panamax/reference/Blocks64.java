package dev.panamax.reference;

/**
 * Whole transformer blocks in float64, written out from their definitions (Hugging Face's
 * LlamaDecoderLayer and BertLayer), for the tests that compose the same blocks from the ops on a
 * device. Matrices are row-major; a linear layer's weight is [out, in] ({@code nn.Linear}), so
 * {@code y = x Wᵀ + b}. Clarity over speed: every loop is the formula.
 */
public final class Blocks64 {
    private Blocks64() {
    }

    /** The weights of one Llama decoder layer: hidden Hd, heads Hq (kv heads Hkv), head dim D, MLP width F. */
    public record Llama(int hd, int hq, int hkv, int d, int f, double eps, double theta,
                        float[] inputNorm, float[] wq, float[] wk, float[] wv, float[] wo,
                        float[] postNorm, float[] wGate, float[] wUp, float[] wDown) {
    }

    /**
     * The outputs [T, Hd] of a Llama decoder layer over tokens 0..T-1 of one sequence (positions
     * 0..T-1, causal, grouped-query attention, rotary embedding in the half-split layout with
     * inverse frequencies theta^(-2i/D) rounded to F32 as Hugging Face computes them):
     * h = x + o_proj(attn(rope(q_proj(rms(x))), rope(k_proj(rms(x))), v_proj(rms(x))));
     * y = h + down(silu(gate(rms2(h))) * up(rms2(h))).
     */
    public static double[] llama(Llama w, float[] x, int t) {
        int hd = w.hd(), hq = w.hq(), hkv = w.hkv(), d = w.d();
        double[] n = rmsNorm(toDouble(x), t, hd, w.inputNorm(), w.eps());
        double[] q = linear(n, t, hd, w.wq(), hq * d);
        double[] k = linear(n, t, hd, w.wk(), hkv * d);
        double[] v = linear(n, t, hd, w.wv(), hkv * d);
        rope(q, t, hq, d, w.theta());
        rope(k, t, hkv, d, w.theta());
        double[] o = new double[t * hq * d];
        double scale = 1 / Math.sqrt(d);
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < hq; h++) {
                int g = h / (hq / hkv);
                attendRow(q, i * hq * d + h * d, k, v, g, hkv, d, i + 1, scale, o, i * hq * d + h * d);
            }
        }
        double[] h = add(toDouble(x), linear(o, t, hq * d, w.wo(), hd));
        double[] n2 = rmsNorm(h, t, hd, w.postNorm(), w.eps());
        double[] gate = linear(n2, t, hd, w.wGate(), w.f());
        double[] up = linear(n2, t, hd, w.wUp(), w.f());
        for (int i = 0; i < gate.length; i++) {
            gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        return add(h, linear(gate, t, w.f(), w.wDown(), hd));
    }

    /** The weights of one BERT encoder layer (post-norm), with biases: hidden Hd, heads H, head dim D, MLP width F. */
    public record Bert(int hd, int heads, int d, int f, double eps,
                       float[] wq, float[] bq, float[] wk, float[] bk, float[] wv, float[] bv, float[] wo, float[] bo,
                       float[] ln1Gamma, float[] ln1Beta, float[] w1, float[] b1, float[] w2, float[] b2,
                       float[] ln2Gamma, float[] ln2Beta) {
    }

    /**
     * The outputs [T, Hd] of a BERT layer over one sequence of T tokens of which the first
     * {@code length} are real (keys past it are padding: no query attends to them):
     * h = LN(x + o(attn(q(x), k(x), v(x)))); y = LN(h + w2(gelu_erf(w1(h)))).
     */
    public static double[] bert(Bert w, float[] x, int t, int length) {
        int hd = w.hd(), heads = w.heads(), d = w.d();
        double[] xd = toDouble(x);
        double[] q = bias(linear(xd, t, hd, w.wq(), heads * d), w.bq());
        double[] k = bias(linear(xd, t, hd, w.wk(), heads * d), w.bk());
        double[] v = bias(linear(xd, t, hd, w.wv(), heads * d), w.bv());
        double[] o = new double[t * heads * d];
        double scale = 1 / Math.sqrt(d);
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < heads; h++) {
                attendRow(q, i * heads * d + h * d, k, v, h, heads, d, Math.min(length, t), scale, o, i * heads * d + h * d);
            }
        }
        double[] h = layerNorm(add(xd, bias(linear(o, t, heads * d, w.wo(), hd), w.bo())), t, hd, w.ln1Gamma(),
                w.ln1Beta(), w.eps());
        double[] mid = bias(linear(h, t, hd, w.w1(), w.f()), w.b1());
        for (int i = 0; i < mid.length; i++) {
            mid[i] = mid[i] * 0.5 * Reference64.erfc(-mid[i] / Math.sqrt(2));
        }
        return layerNorm(add(h, bias(linear(mid, t, w.f(), w.w2(), hd), w.b2())), t, hd, w.ln2Gamma(), w.ln2Beta(), w.eps());
    }

    /** One query row against keys [0, visible) of kv head g (rows of k and v are [T, heads * D]). */
    private static void attendRow(double[] q, int qAt, double[] k, double[] v, int g, int kvHeads, int d, int visible,
                                  double scale, double[] out, int outAt) {
        if (visible <= 0) {
            return;
        }
        double[] s = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += q[qAt + c] * k[j * kvHeads * d + g * d + c];
            }
            s[j] = dot * scale;
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < visible; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        for (int c = 0; c < d; c++) {
            double acc = 0;
            for (int j = 0; j < visible; j++) {
                acc += s[j] * v[j * kvHeads * d + g * d + c];
            }
            out[outAt + c] = acc / sum;
        }
    }

    /** Rotary embedding in place on rows [T, heads * D], position = row, pairs (i, i + D/2). */
    private static void rope(double[] x, int t, int heads, int d, double theta) {
        for (int p = 0; p < t; p++) {
            for (int h = 0; h < heads; h++) {
                int at = p * heads * d + h * d;
                for (int i = 0; i < d / 2; i++) {
                    double inv = (float) (1.0 / Math.pow(theta, (2.0 * i) / d));
                    double a = p * inv;
                    double x1 = x[at + i], x2 = x[at + i + d / 2];
                    x[at + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
                    x[at + i + d / 2] = x1 * Math.sin(a) + x2 * Math.cos(a);
                }
            }
        }
    }

    /** y [rows, out] = x [rows, in] Wᵀ, W [out, in]. */
    static double[] linear(double[] x, int rows, int in, float[] w, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int i = 0; i < in; i++) {
                    acc += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = acc;
            }
        }
        return y;
    }

    private static double[] bias(double[] y, float[] b) {
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i % b.length];
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    private static double[] rmsNorm(double[] x, int rows, int n, float[] gamma, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += x[r * n + i] * x[r * n + i];
            }
            double inv = 1 / Math.sqrt(ss / n + eps);
            for (int i = 0; i < n; i++) {
                y[r * n + i] = x[r * n + i] * inv * gamma[i];
            }
        }
        return y;
    }

    private static double[] layerNorm(double[] x, int rows, int n, float[] gamma, float[] beta, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[r * n + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[r * n + i] - mean) * (x[r * n + i] - mean);
            }
            double inv = 1 / Math.sqrt(var / n + eps);
            for (int i = 0; i < n; i++) {
                y[r * n + i] = (x[r * n + i] - mean) * inv * gamma[i] + beta[i];
            }
        }
        return y;
    }

    private static double[] toDouble(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        return y;
    }
}
