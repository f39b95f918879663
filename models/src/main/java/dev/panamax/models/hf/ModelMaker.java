package dev.panamax.models.hf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Writes a seeded random Llama or Mixtral checkpoint in exactly the Hugging Face layout:
 * {@code config.json} and one {@code model.safetensors} in BF16 with the real tensor names and
 * shapes, for tests and benchmarks (the loader that reads it is the one that reads real
 * checkpoints). Weights are uniform with the standard deviation 1/sqrt(fan-in) (so every
 * projection keeps its activations' scale), norm weights near 1, embeddings of standard deviation
 * 1, the output head 2/sqrt(hidden) so that logits spread over a few units and greedy choices are
 * clear; activations stay finite whatever the depth.
 */
public final class ModelMaker {
    private ModelMaker() {
    }

    /** What to make; {@link #llama()} and {@link #mixtral()} give small defaults to adjust. */
    public record Spec(String arch, int layers, int hidden, int heads, int kvHeads, int intermediate, int vocab,
                       int experts, int topK, long seed, boolean tieEmbeddings, LlamaConfig.Llama3RopeScaling ropeScaling,
                       int maxPositions, double ropeTheta) {
        public Spec {
            if (!arch.equals("llama") && !arch.equals("mixtral")) {
                throw new IllegalArgumentException("make-model: --arch must be llama or mixtral, got " + arch);
            }
            for (int v : new int[] {layers, hidden, heads, kvHeads, intermediate, vocab, maxPositions}) {
                if (v <= 0) {
                    throw new IllegalArgumentException("make-model: layers, hidden, heads, kv-heads, intermediate, vocab"
                            + " and max positions must be positive, got " + this);
                }
            }
            if (hidden % heads != 0 || (hidden / heads) % 2 != 0 || heads % kvHeads != 0) {
                throw new IllegalArgumentException("make-model: hidden (" + hidden + ") must be a multiple of heads ("
                        + heads + ") with an even head size, and heads a multiple of kv-heads (" + kvHeads + ")");
            }
            if (arch.equals("mixtral") && (experts <= 0 || topK <= 0 || topK > experts)) {
                throw new IllegalArgumentException("make-model: mixtral needs experts > 0 and 0 < top-k <= experts, got "
                        + experts + " and " + topK);
            }
        }

        public static Spec llama() {
            return new Spec("llama", 2, 64, 4, 2, 160, 256, 0, 0, 1, false, null, 512, 10000.0);
        }

        public static Spec mixtral() {
            return new Spec("mixtral", 2, 64, 4, 2, 96, 256, 4, 2, 1, false, null, 512, 10000.0);
        }

        public Spec withLayers(int v) {
            return new Spec(arch, v, hidden, heads, kvHeads, intermediate, vocab, experts, topK, seed, tieEmbeddings,
                    ropeScaling, maxPositions, ropeTheta);
        }

        public Spec withShape(int hiddenSize, int headCount, int kvHeadCount, int intermediateSize, int vocabSize) {
            return new Spec(arch, layers, hiddenSize, headCount, kvHeadCount, intermediateSize, vocabSize, experts, topK,
                    seed, tieEmbeddings, ropeScaling, maxPositions, ropeTheta);
        }

        public Spec withExperts(int count, int k) {
            return new Spec(arch, layers, hidden, heads, kvHeads, intermediate, vocab, count, k, seed, tieEmbeddings,
                    ropeScaling, maxPositions, ropeTheta);
        }

        public Spec withSeed(long s) {
            return new Spec(arch, layers, hidden, heads, kvHeads, intermediate, vocab, experts, topK, s, tieEmbeddings,
                    ropeScaling, maxPositions, ropeTheta);
        }

        public Spec withTiedEmbeddings(boolean tie) {
            return new Spec(arch, layers, hidden, heads, kvHeads, intermediate, vocab, experts, topK, seed, tie,
                    ropeScaling, maxPositions, ropeTheta);
        }

        public Spec withRopeScaling(LlamaConfig.Llama3RopeScaling scaling) {
            return new Spec(arch, layers, hidden, heads, kvHeads, intermediate, vocab, experts, topK, seed, tieEmbeddings,
                    scaling, maxPositions, ropeTheta);
        }

        /** The tensors of the checkpoint, in the order Hugging Face's save_pretrained writes them. */
        public List<Weight> weights() {
            List<Weight> w = new ArrayList<>();
            int headDim = hidden / heads;
            double in = 1 / Math.sqrt(hidden);
            w.add(new Weight("model.embed_tokens.weight", new long[] {vocab, hidden}, 1.0, 0));
            for (int l = 0; l < layers; l++) {
                String p = "model.layers." + l + ".";
                w.add(new Weight(p + "input_layernorm.weight", new long[] {hidden}, 0.05, 1));
                if (arch.equals("mixtral")) {
                    w.add(new Weight(p + "block_sparse_moe.gate.weight", new long[] {experts, hidden}, 2 * in, 0));
                    for (int e = 0; e < experts; e++) {
                        String x = p + "block_sparse_moe.experts." + e + ".";
                        w.add(new Weight(x + "w1.weight", new long[] {intermediate, hidden}, in, 0));
                        w.add(new Weight(x + "w2.weight", new long[] {hidden, intermediate}, 1 / Math.sqrt(intermediate), 0));
                        w.add(new Weight(x + "w3.weight", new long[] {intermediate, hidden}, in, 0));
                    }
                } else {
                    w.add(new Weight(p + "mlp.down_proj.weight", new long[] {hidden, intermediate}, 1 / Math.sqrt(intermediate), 0));
                    w.add(new Weight(p + "mlp.gate_proj.weight", new long[] {intermediate, hidden}, in, 0));
                    w.add(new Weight(p + "mlp.up_proj.weight", new long[] {intermediate, hidden}, in, 0));
                }
                w.add(new Weight(p + "post_attention_layernorm.weight", new long[] {hidden}, 0.05, 1));
                w.add(new Weight(p + "self_attn.k_proj.weight", new long[] {(long) kvHeads * headDim, hidden}, in, 0));
                w.add(new Weight(p + "self_attn.o_proj.weight", new long[] {hidden, (long) heads * headDim},
                        1 / Math.sqrt((double) heads * headDim), 0));
                w.add(new Weight(p + "self_attn.q_proj.weight", new long[] {(long) heads * headDim, hidden}, in, 0));
                w.add(new Weight(p + "self_attn.v_proj.weight", new long[] {(long) kvHeads * headDim, hidden}, in, 0));
            }
            w.add(new Weight("model.norm.weight", new long[] {hidden}, 0.05, 1));
            if (!tieEmbeddings) {
                w.add(new Weight("lm_head.weight", new long[] {vocab, hidden}, 2 * in, 0));
            }
            return w;
        }

        /** The config.json Hugging Face writes for this model. */
        public String configJson() {
            boolean moe = arch.equals("mixtral");
            StringBuilder b = new StringBuilder("{\n");
            b.append("  \"architectures\": [\"").append(moe ? "MixtralForCausalLM" : "LlamaForCausalLM").append("\"],\n");
            b.append("  \"model_type\": \"").append(arch).append("\",\n");
            b.append("  \"attention_bias\": false,\n  \"attention_dropout\": 0.0,\n");
            b.append("  \"bos_token_id\": 1,\n  \"eos_token_id\": 2,\n  \"hidden_act\": \"silu\",\n");
            b.append("  \"hidden_size\": ").append(hidden).append(",\n");
            b.append("  \"head_dim\": ").append(hidden / heads).append(",\n");
            b.append("  \"initializer_range\": 0.02,\n");
            b.append("  \"intermediate_size\": ").append(intermediate).append(",\n");
            b.append("  \"max_position_embeddings\": ").append(maxPositions).append(",\n");
            if (moe) {
                b.append("  \"num_experts_per_tok\": ").append(topK).append(",\n");
                b.append("  \"num_local_experts\": ").append(experts).append(",\n");
                b.append("  \"output_router_logits\": false,\n  \"router_aux_loss_coef\": 0.02,\n");
                b.append("  \"sliding_window\": null,\n");
            } else {
                b.append("  \"mlp_bias\": false,\n  \"pretraining_tp\": 1,\n");
            }
            b.append("  \"num_attention_heads\": ").append(heads).append(",\n");
            b.append("  \"num_hidden_layers\": ").append(layers).append(",\n");
            b.append("  \"num_key_value_heads\": ").append(kvHeads).append(",\n");
            b.append("  \"rms_norm_eps\": 1e-05,\n");
            if (ropeScaling == null) {
                b.append("  \"rope_scaling\": null,\n");
            } else {
                b.append(String.format(Locale.ROOT, "  \"rope_scaling\": {\"factor\": %s, \"high_freq_factor\": %s,"
                        + " \"low_freq_factor\": %s, \"original_max_position_embeddings\": %d, \"rope_type\": \"llama3\"},%n",
                        ropeScaling.factor(), ropeScaling.highFreqFactor(), ropeScaling.lowFreqFactor(),
                        ropeScaling.originalMaxPositions()));
            }
            b.append("  \"rope_theta\": ").append(ropeTheta).append(",\n");
            b.append("  \"tie_word_embeddings\": ").append(tieEmbeddings).append(",\n");
            b.append("  \"torch_dtype\": \"bfloat16\",\n");
            b.append("  \"transformers_version\": \"4.46.0\",\n  \"use_cache\": true,\n");
            b.append("  \"vocab_size\": ").append(vocab).append("\n}\n");
            return b.toString();
        }

        /** The bytes of the BF16 safetensors file. */
        public long fileBytes() {
            long n = 0;
            for (Weight w : weights()) {
                n += 2 * w.elements();
            }
            return n;
        }
    }

    /** One tensor to write: uniform noise of standard deviation {@code std} around {@code mean}. */
    public record Weight(String name, long[] shape, double std, double mean) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /**
     * Writes dir/config.json and dir/model.safetensors (creating dir); {@code progress} hears the
     * bytes of tensor data written so far, after each tensor.
     */
    public static void make(Spec spec, Path dir, LongConsumer progress) throws IOException {
        Files.createDirectories(dir);
        List<Weight> weights = spec.weights();
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Weight w : weights) {
            long bytes = 2 * w.elements();
            h.append(',').append(Json.quote(w.name())).append(":{\"dtype\":\"BF16\",\"shape\":[");
            for (int i = 0; i < w.shape().length; i++) {
                h.append(i == 0 ? "" : ",").append(w.shape()[i]);
            }
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        while ((8 + h.length()) % 8 != 0) {
            h.append(' '); // data starts 8-byte aligned, as the reference writer pads it
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(SafeTensors.SINGLE + ".tmp");
        SplittableRandom random = new SplittableRandom(spec.seed());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long written = 0;
            for (Weight w : weights) {
                float halfWidth = (float) (w.std() * Math.sqrt(3));
                float mean = (float) w.mean();
                for (long i = 0; i < w.elements(); i++) {
                    if (!buf.hasRemaining()) {
                        writeFully(ch, buf.flip());
                        buf.clear();
                    }
                    // uniform in [-1, 1): 24 random bits
                    float u = (random.nextInt() >> 8) * 0x1p-23f;
                    buf.putShort(bf16(mean + halfWidth * u));
                }
                written += 2 * w.elements();
                progress.accept(written);
            }
            writeFully(ch, buf.flip());
        }
        Files.writeString(dir.resolve("config.json"), spec.configJson());
        Files.move(tmp, dir.resolve(SafeTensors.SINGLE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** f rounded to BF16, to nearest even (f is finite here). */
    static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }
}
