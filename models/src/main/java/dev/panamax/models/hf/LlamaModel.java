package dev.panamax.models.hf;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.PackedMatrix;
import dev.panamax.Quantized;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.models.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * The weights of a Llama-family decoder on one device and its forward pass, from token ids to the
 * logits of the last position, with every step on the device:
 *
 * <pre>
 * residual = embed[ids]                                   [S, H]
 * x = rmsNorm(residual, input_layernorm[0])
 * per layer l:
 *   [q k v] = x @ [Wq; Wk; Wv]ᵀ                          [S, (Hq + 2 Hkv) D]   (one GEMM, fused at load)
 *   -> [Hq + 2 Hkv, S, D] (a permute; a reshape when S = 1), q, k, v are slices of it
 *   rope(q), rope(k) at positions start .. start + S - 1
 *   writeCache(k, v) at start; attention(q, K, V, causal, kvLengths = start + S)   [1, Hq, S, D]
 *   y = ([S, Hq D] of it) @ Woᵀ
 *   residual += y; y = rmsNorm(residual, post_attention_layernorm)   (addRmsNorm)
 *   x = (silu(y @ Wgᵀ) ⊙ y @ Wuᵀ) @ Wdᵀ
 *   residual += x; x = rmsNorm(residual, next input_layernorm or model.norm)
 * logits = x[S - 1] @ lm_headᵀ                             [1, V] F32
 * </pre>
 *
 * The weights are only read after load; the caches and work buffers belong to a {@link Session},
 * which runs one forward pass at a time (sessions of one model may run on several threads).
 *
 * <p>INT8 ({@code DType.I8}): every linear weight of the layers (q, k, v, o, gate, up, down, and
 * the experts' w1, w3, w2) is quantized at load with {@link Ops#quantize} (symmetric, one F32 scale
 * per output row, from the checkpoint's values read exactly into F32) and stays INT8 on the device;
 * the embeddings, the norms, the output head, the MoE router, the KV cache and the activations are
 * BF16 ({@link #ACTIVATIONS_OF_INT8}). A decode step (one token) multiplies the BF16 activations
 * with the INT8 weights (W8A16); a prompt pass of several tokens also quantizes each activation row
 * (W8A8, dynamic) for q, k, v, o, gate and up, and the experts of a MoE layer ({@code Ops.moe}
 * takes one flag for all three), but keeps the dense MLP's down projection W8A16: its input, the
 * SwiGLU product, has heavy tails, so one scale per row leaves the other values few levels. On a
 * generated 8-layer checkpoint (hidden 1024, intermediate 2816) the next-token logits after a
 * prompt were 3.4% to 3.8% (relative L2) off the BF16 model's with W8A8 everywhere and 2.4% with
 * down in W8A16 (1.6% for a decode step). The head and the router stay in BF16 because they are
 * small next to the layers of a large model yet decide the output directly: the logits, and which
 * experts run.
 */
public final class LlamaModel implements AutoCloseable {
    /** The dtype of everything but the quantized linear weights in a model loaded as I8. */
    public static final DType ACTIVATIONS_OF_INT8 = DType.BF16;

    private final LlamaConfig config;
    private final Device device;
    /** The dtype of the activations, the caches and the unquantized weights (BF16 for an I8 model). */
    private final DType dtype;
    /** Whether the linear weights are INT8. */
    private final boolean int8;
    private final List<Tensor> owned = new ArrayList<>();
    /** Packed experts, closed with the model. */
    private final List<PackedMatrix> ownedPacked = new ArrayList<>();
    private final Tensor embed;
    private final Tensor finalNorm;
    private final Tensor lmHead;
    private final Tensor inverseFrequencies;
    private final Layer[] layers;
    private final float eps;
    private final int qkvHeads;

    /**
     * One decoder layer's weights, in nn.Linear layout ([out, in]): qkv is q, k, v stacked by rows
     * [(Hq + 2 Hkv) D, H]; gateUp is gate and up stacked [2F, H], and gate and up are views of its
     * halves. A mixture of experts (Mixtral) has router [E, H] and the experts' w1, w3, w2 stacked
     * into gate and up [E, F, H] and down [E, H, F], and no gateUp; a dense layer has no router.
     */
    private record Layer(Tensor inputNorm, Weight qkv, Weight o, Tensor postNorm, Weight gateUp, Weight gate, Weight up,
                         Weight down, Tensor router) {
    }

    /**
     * A linear weight in nn.Linear layout: a float tensor, or INT8 values with a scale per row, or
     * (the experts of an F32 model on the CPU) a stack packed once by {@link Ops#pack}.
     * {@code times} writes x · Wᵀ to out; {@code a8} (INT8 only) also quantizes the rows of x.
     */
    private record Weight(Tensor dense, Quantized quantized, PackedMatrix packed) {
        Weight(Tensor dense, Quantized quantized) {
            this(dense, quantized, null);
        }

        void times(Tensor x, boolean a8, Tensor out) {
            if (quantized != null) {
                Ops.matmul(x, quantized, a8, out);
            } else {
                Ops.gemm(1f, x, false, dense, true, 0f, out);
            }
        }
    }

    private LlamaModel(LlamaConfig config, Device device, DType weights, SafeTensors st, DoubleConsumer progress) {
        this.config = config;
        this.device = device;
        this.int8 = weights == DType.I8;
        this.dtype = int8 ? ACTIVATIONS_OF_INT8 : weights;
        this.eps = (float) config.rmsNormEps();
        this.qkvHeads = config.heads() + 2 * config.kvHeads();
        long h = config.hiddenSize();
        long d = config.headDim();
        long f = config.intermediateSize();
        Loader load = new Loader(st, progress);
        try {
            embed = load.tensor("model.embed_tokens.weight", config.vocabSize(), h);
            layers = new Layer[config.layers()];
            for (int l = 0; l < layers.length; l++) {
                String p = "model.layers." + l + ".";
                long q = config.heads() * d;
                long kv = config.kvHeads() * d;
                Weight qkv = stacked(load, qkvHeads * d, h, new long[] {0, q, q + kv, q + 2 * kv},
                        p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight");
                Tensor inputNorm = load.tensor(p + "input_layernorm.weight", h);
                Weight o = stacked(load, h, q, new long[] {0, h}, p + "self_attn.o_proj.weight");
                Tensor postNorm = load.tensor(p + "post_attention_layernorm.weight", h);
                if (config.isMoe()) {
                    int e = config.experts();
                    String x = p + "block_sparse_moe.";
                    Tensor router = load.tensor(x + "gate.weight", e, h);
                    Weight gate = experts(load, e, f, h, x, "w1.weight");
                    Weight up = experts(load, e, f, h, x, "w3.weight");
                    Weight down = experts(load, e, h, f, x, "w2.weight");
                    layers[l] = new Layer(inputNorm, qkv, o, postNorm, null, gate, up, down, router);
                    continue;
                }
                Weight gateUp = stacked(load, 2 * f, h, new long[] {0, f, 2 * f},
                        p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight");
                Weight down = stacked(load, h, f, new long[] {0, h}, p + "mlp.down_proj.weight");
                layers[l] = new Layer(inputNorm, qkv, o, postNorm, gateUp, rowsOf(gateUp, 0, f), rowsOf(gateUp, f, 2 * f),
                        down, null);
            }
            finalNorm = load.tensor("model.norm.weight", h);
            if (config.tieWordEmbeddings() && !st.contains("lm_head.weight")) {
                lmHead = embed;
            } else {
                lmHead = load.tensor("lm_head.weight", config.vocabSize(), h);
            }
            float[] inv = config.inverseFrequencies();
            inverseFrequencies = own(device.tensor(inv, inv.length));
            device.synchronize();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Loads a LlamaForCausalLM, MistralForCausalLM or MixtralForCausalLM checkpoint onto the device
     * in dtype: F32, F16 or BF16, or I8 (INT8 linear weights, everything else BF16).
     */
    public static LlamaModel load(Path dir, Device device, DType dtype, DoubleConsumer progress) throws IOException {
        LlamaConfig config = LlamaConfig.read(dir);
        try (SafeTensors st = SafeTensors.open(dir)) {
            return new LlamaModel(config, device, dtype, st, progress);
        }
    }

    public LlamaConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    /** Whether the linear weights are INT8 (loaded with DType.I8). */
    public boolean int8() {
        return int8;
    }

    /** The longest sequence (prompt and generated tokens) a session can hold. */
    public int maxContext() {
        int n = config.maxPositions();
        return config.slidingWindow() > 0 ? Math.min(n, config.slidingWindow()) : n;
    }

    private Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }

    private Weight own(Quantized q) {
        own(q.values());
        own(q.scales());
        return new Weight(null, q);
    }

    /**
     * The checkpoint's weights {@code names} stacked by rows into one [rows, cols] weight (row
     * bounds[i] .. bounds[i + 1] holding names[i]): in dtype, or, for an INT8 model, read into F32
     * (exactly) and quantized per row, which gives the rows of each part what quantizing it alone
     * would.
     */
    private Weight stacked(Loader load, long rows, long cols, long[] bounds, String... names) {
        if (!int8) {
            Tensor w = own(device.zeros(dtype, rows, cols));
            for (int i = 0; i < names.length; i++) {
                load.into(w.slice(bounds[i], bounds[i + 1]), names[i], bounds[i + 1] - bounds[i], cols);
            }
            return new Weight(w, null);
        }
        try (Tensor w = device.zeros(DType.F32, rows, cols)) {
            for (int i = 0; i < names.length; i++) {
                load.into(w.slice(bounds[i], bounds[i + 1]), names[i], bounds[i + 1] - bounds[i], cols);
            }
            return own(Ops.quantize(w));
        }
    }

    /** Rows [from, to) of a weight, as views. */
    private Weight rowsOf(Weight w, long from, long to) {
        if (w.quantized() == null) {
            return new Weight(own(w.dense().slice(from, to)), null);
        }
        return own(new Quantized(w.quantized().values().slice(from, to), w.quantized().scales().slice(from, to)));
    }

    /**
     * The experts' weights {@code prefix}experts.J.{@code suffix} [rows, cols] stacked into [E, rows, cols].
     * An F32 model on the CPU keeps them packed instead ({@link Ops#pack} of the stack, the stack then
     * freed): the CPU's packed layout is F32 strips, the same bytes, which a prompt's expert
     * products read in place instead of transposing every expert at every call (moe at the Mixtral
     * shape, 512 tokens: 1.3x-1.45x the rate; one token about as fast). With many small experts a
     * decode step can be slower packed (E = 64, F = 1408, 2026-12-08: 18.3-19.7 ms against 10.6-17.0 as given, noisy).
     * A 16-bit model would need twice its experts' bytes.
     */
    private Weight experts(Loader load, int e, long rows, long cols, String prefix, String suffix) {
        if (!int8) {
            boolean pack = device.backend() == Backend.CPU && dtype == DType.F32;
            Tensor w = pack ? device.zeros(dtype, e, rows, cols) : own(device.zeros(dtype, e, rows, cols));
            try {
                for (int j = 0; j < e; j++) {
                    load.into(w.slice(j, j + 1), prefix + "experts." + j + "." + suffix, rows, cols);
                }
                if (pack) {
                    PackedMatrix packed = Ops.pack(w, true);
                    ownedPacked.add(packed);
                    return new Weight(null, null, packed);
                }
            } finally {
                if (pack) {
                    w.close();
                }
            }
            return new Weight(w, null);
        }
        // one expert at a time through F32, so that the float copy never holds more than one
        Tensor allValues = own(device.zeros(DType.I8, e, rows, cols));
        Tensor allScales = own(device.zeros(DType.F32, e, rows));
        Weight stacked = new Weight(null, new Quantized(allValues, allScales));
        for (int j = 0; j < e; j++) {
            try (Tensor w = device.zeros(DType.F32, rows, cols)) {
                load.into(w.slice(0, rows), prefix + "experts." + j + "." + suffix, rows, cols);
                try (Quantized q = Ops.quantize(w);
                     Tensor values = stacked.quantized().values().slice(j, j + 1);
                     Tensor scales = stacked.quantized().scales().slice(j, j + 1)) {
                    values.copyFrom(q.values());
                    scales.copyFrom(q.scales());
                }
            }
        }
        return stacked;
    }

    /** Loads tensors with their expected shapes and reports the bytes done so far. */
    private final class Loader {
        private final SafeTensors st;
        private final DoubleConsumer progress;
        private final long total;
        private long done;

        Loader(SafeTensors st, DoubleConsumer progress) {
            this.st = st;
            this.progress = progress;
            long t = 0;
            for (SafeTensors.Entry e : st.entries().values()) {
                t += e.data().byteSize();
            }
            this.total = Math.max(1, t);
        }

        Tensor tensor(String name, long... shape) {
            Tensor t = own(st.load(device, name, dtype, shape));
            advance(name);
            return t;
        }

        void into(Tensor view, String name, long... shape) {
            try (view) {
                st.loadInto(view, name, shape);
            }
            advance(name);
        }

        private void advance(String name) {
            done += st.entry(name).data().byteSize();
            if (progress != null) {
                progress.accept((double) done / total);
            }
        }
    }

    /** A KV cache of {@code capacity} positions with the work buffers of a forward pass. */
    public Session session(int capacity) {
        if (capacity <= 0 || capacity > maxContext()) {
            throw new IllegalArgumentException("CausalLM: a sequence of " + capacity + " tokens does not fit the model's"
                    + " context of " + maxContext() + " positions");
        }
        return new Session(capacity);
    }

    /**
     * The caches of one sequence: per layer one tensor [2 Hkv, capacity, D] holding K in its first
     * Hkv rows and V in the others (so that one writeCache appends both), seen as the K and V views
     * [1, Hkv, capacity, D] that attention reads.
     */
    public final class Session implements AutoCloseable {
        private final int capacity;
        private final Tensor[] caches;
        private final Tensor[] keys;
        private final Tensor[] values;
        private final List<Tensor> buffers = new ArrayList<>();
        private int length;
        private Work work;

        private Session(int capacity) {
            this.capacity = capacity;
            caches = new Tensor[config.layers()];
            keys = new Tensor[config.layers()];
            values = new Tensor[config.layers()];
            int hkv = config.kvHeads();
            try {
                for (int l = 0; l < keys.length; l++) {
                    Tensor both = keep(device.zeros(dtype, 2L * hkv, capacity, config.headDim()));
                    caches[l] = keep(both.reshape(1, 2L * hkv, capacity, config.headDim()));
                    keys[l] = keep(rows(both, 0, hkv, capacity, config.headDim()));
                    values[l] = keep(rows(both, hkv, hkv, capacity, config.headDim()));
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private Tensor keep(Tensor t) {
            buffers.add(t);
            return t;
        }

        /** Tokens in the cache so far. */
        public int length() {
            return length;
        }

        /**
         * Runs tokens (all in one pass) at positions length() .. length() + tokens.length - 1,
         * appending them to the cache, and returns the F32 logits [1, V] of the last one (the
         * caller closes them).
         */
        public Tensor forward(int[] tokens) {
            Tensor logits = device.zeros(DType.F32, 1, config.vocabSize());
            try {
                logits.copyFrom(run(tokens));
                return logits;
            } catch (RuntimeException e) {
                logits.close();
                throw e;
            }
        }

        /** forward() into the work buffers: the logits returned belong to this session. */
        private Tensor run(int[] tokens) {
            int s = tokens.length;
            if (s == 0) {
                throw new IllegalArgumentException("CausalLM: no tokens to run");
            }
            if (length + s > capacity) {
                throw new IllegalArgumentException("CausalLM: " + length + " + " + s + " tokens exceed the session's "
                        + capacity + " positions");
            }
            for (int t : tokens) {
                if (t < 0 || t >= config.vocabSize()) {
                    throw new IllegalArgumentException("CausalLM: token id " + t + " is outside the vocabulary [0, "
                            + config.vocabSize() + ")");
                }
            }
            Work w = work(s);
            int start = length;
            // one upload: ids, positions, the cache start, the key count
            int[] inputs = new int[2 * s + 2];
            System.arraycopy(tokens, 0, inputs, 0, s);
            for (int i = 0; i < s; i++) {
                inputs[s + i] = start + i;
            }
            inputs[2 * s] = start;
            inputs[2 * s + 1] = start + s;
            w.inputs().copyFrom(MemorySegment.ofArray(inputs));
            Ops.embedding(embed, w.ids(), w.residual());
            Ops.rmsNorm(w.residual(), layers[0].inputNorm(), eps, w.x());
            for (int l = 0; l < layers.length; l++) {
                layer(l, w);
            }
            try (Tensor last = w.x().slice(s - 1, s)) {
                Ops.gemm(1f, last, false, lmHead, true, 0f, w.logits());
            }
            length += s;
            return w.logits();
        }

        private void layer(int l, Work w) {
            Layer layer = layers[l];
            int s = w.tokens();
            long d = config.headDim();
            int hq = config.heads();
            int hkv = config.kvHeads();
            boolean a8 = s > 1; // INT8 weights: W8A8 for a prompt pass, W8A16 for a decode step
            layer.qkv().times(w.x(), a8, w.qkv());
            // [S, Hq + 2 Hkv, D] -> [Hq + 2 Hkv, S, D], heads first, so that q, k and v are row slices
            try (Tensor heads = headsFirst(w.qkv(), w.heads(), s, qkvHeads, d);
                 Tensor q = rows(heads, 0, hq, s, d);
                 Tensor qk = rows(heads, 0, hq + hkv, s, d);
                 Tensor kv = rows(heads, hq, 2L * hkv, s, d)) {
                Ops.rope(qk, w.positions(), inverseFrequencies, false); // q and k in one call
                Ops.writeCache(kv, caches[l], w.starts()); // k and v in one call
                Ops.attention(q, keys[l], values[l], true, (float) (1.0 / Math.sqrt(d)), w.lengths(), w.attended());
            }
            // [1, Hq, S, D] -> [S, Hq D]
            try (Tensor merged = tokensFirst(w.attended(), w.merged(), s, hq, d)) {
                layer.o().times(merged, a8, w.y());
            }
            Ops.addRmsNorm(w.y(), w.residual(), layer.postNorm(), eps);
            if (layer.router() != null) {
                // Mixtral: softmax over the router's logits, the top k experts, their weights renormalized
                Ops.gemm(1f, w.y(), false, layer.router(), true, 0f, w.router());
                try (Routing routing = Ops.topKGating(w.router(), config.expertsPerToken(), true)) {
                    if (int8) {
                        Ops.moe(w.y(), routing, layer.gate().quantized(), layer.up().quantized(),
                                layer.down().quantized(), a8, w.x());
                    } else if (layer.gate().packed() != null) {
                        Ops.moe(w.y(), routing, layer.gate().packed(), layer.up().packed(), layer.down().packed(), w.x());
                    } else {
                        Ops.moe(w.y(), routing, layer.gate().dense(), layer.up().dense(), layer.down().dense(), w.x());
                    }
                }
            } else if (s == 1) { // gate and up in one product: [1, 2F] is the [2, 1, F] buffer
                try (Tensor both = w.gateUp().reshape(1, 2L * config.intermediateSize())) {
                    layer.gateUp().times(w.y(), a8, both);
                }
            } else {
                layer.gate().times(w.y(), a8, w.gate());
                layer.up().times(w.y(), a8, w.up());
            }
            if (layer.router() == null) {
                Ops.swiglu(w.gate(), w.up(), w.gate());
                // W8A16 always: the SwiGLU product's heavy tails leave one scale per row few levels
                // for the rest (see the class comment)
                layer.down().times(w.gate(), false, w.x());
            }
            Ops.addRmsNorm(w.x(), w.residual(), l + 1 < layers.length ? layers[l + 1].inputNorm() : finalNorm, eps);
        }

        /** The work buffers for s tokens, kept for the next call with the same s (every decode step). */
        private Work work(int s) {
            if (work != null && work.tokens() == s) {
                return work;
            }
            if (work != null) {
                work.close();
                work = null;
            }
            work = Work.allocate(device, dtype, s, config, qkvHeads);
            return work;
        }

        /** Runs tokens and returns the greedy next token (the lowest id among equal maxima). */
        public int next(int[] tokens) {
            try (TopK top = Ops.topK(run(tokens), 1)) {
                return top.indices().toIntArray()[0];
            }
        }

        @Override
        public void close() {
            if (work != null) {
                work.close();
                work = null;
            }
            closeAll(buffers);
        }
    }

    /** Heads [first, first + n) of [N, S, D] as a view [1, n, S, D]. */
    private static Tensor rows(Tensor heads, long first, long n, long s, long d) {
        try (Tensor slice = heads.slice(first, first + n)) {
            return slice.reshape(1, n, s, d);
        }
    }

    /** Swaps the first two of three dimensions, as Ops.permute does with dims (1, 0, 2). */
    private static final int[] SWAP = {1, 0, 2};

    /**
     * [S, N D] as [N, S, D], a view the caller closes: of rows itself when S = 1 (both orders are
     * the same), else of {@code into} after a permute into it.
     */
    private static Tensor headsFirst(Tensor rows, Tensor into, int s, int n, long d) {
        if (s == 1) {
            return rows.reshape(n, 1, d);
        }
        try (Tensor view = rows.reshape(s, n, d)) {
            Ops.permute(view, SWAP, into);
        }
        return into.reshape(n, s, d);
    }

    /** [1, N, S, D] as [S, N D], a view the caller closes (of {@code into} [S, N, D] when S &gt; 1). */
    private static Tensor tokensFirst(Tensor heads, Tensor into, int s, int n, long d) {
        if (s == 1) {
            return heads.reshape(1, n * d);
        }
        try (Tensor view = heads.reshape(n, s, d)) {
            Ops.permute(view, SWAP, into);
        }
        return into.reshape(s, n * d);
    }

    /** Closes every tensor of the list, the later ones even when one fails, and empties it. */
    static void closeAll(List<Tensor> tensors) {
        RuntimeException first = null;
        for (Tensor t : tensors) {
            try {
                t.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        tensors.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        try {
            closeAll(owned);
        } finally {
            for (PackedMatrix p : ownedPacked) {
                p.close(); // idempotent
            }
            ownedPacked.clear();
        }
    }
}
