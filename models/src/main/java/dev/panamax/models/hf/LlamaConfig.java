package dev.panamax.models.hf;

import dev.panamax.models.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The fields of a Hugging Face {@code config.json} that a Llama-family decoder needs
 * (LlamaForCausalLM, MistralForCausalLM, MixtralForCausalLM). Defaults are the ones of the
 * Hugging Face config classes where a field is optional there.
 *
 * @param architecture     "LlamaForCausalLM", "MistralForCausalLM" or "MixtralForCausalLM"
 * @param headDim          head_dim, or hidden_size / num_attention_heads when absent
 * @param ropeScaling      the llama3 rope_scaling, or null for none
 * @param slidingWindow    Mistral's sliding_window, 0 when absent or null
 * @param experts          num_local_experts (Mixtral), 0 for a dense MLP
 * @param expertsPerToken  num_experts_per_tok (Mixtral), 0 for a dense MLP
 * @param torchDtype       torch_dtype as written ("bfloat16", ...), or null
 */
public record LlamaConfig(String architecture, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                          int headDim, double rmsNormEps, double ropeTheta, Llama3RopeScaling ropeScaling, int vocabSize,
                          boolean tieWordEmbeddings, int maxPositions, int slidingWindow, int experts, int expertsPerToken,
                          String torchDtype) {

    /** The architectures this reader maps. */
    public static final List<String> ARCHITECTURES = List.of("LlamaForCausalLM", "MistralForCausalLM", "MixtralForCausalLM");

    /** rope_scaling of rope_type "llama3" (Llama 3.1 and later). */
    public record Llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    }

    public boolean isMoe() {
        return experts > 0;
    }

    /** Reads and checks dir/config.json. */
    public static LlamaConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(dir + ": no config.json (a Hugging Face model directory holds config.json"
                    + " and model.safetensors)");
        }
        return parse(file.toString(), Checkpoints.object(text, file.toString()));
    }

    /** The config of a parsed config.json object; {@code where} names it in messages. */
    public static LlamaConfig parse(String where, Map<?, ?> m) {
        Fields f = new Fields(where, m);
        String arch = f.architecture();
        int hidden = f.positiveInt("hidden_size", -1);
        int heads = f.positiveInt("num_attention_heads", -1);
        int kvHeads = f.positiveInt("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(where + ": num_attention_heads (" + heads + ") must be a multiple of"
                    + " num_key_value_heads (" + kvHeads + ")");
        }
        int headDim;
        if (m.get("head_dim") != null) {
            headDim = f.positiveInt("head_dim", -1);
        } else {
            if (hidden % heads != 0) {
                throw new ModelFormatException(where + ": hidden_size (" + hidden + ") is not a multiple of"
                        + " num_attention_heads (" + heads + ") and there is no head_dim");
            }
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0 || headDim > 256) {
            throw new ModelFormatException(where + ": head_dim " + headDim + " is not supported (even, at most 256)");
        }
        boolean moe = arch.equals("MixtralForCausalLM");
        int experts = moe ? f.positiveInt("num_local_experts", 8) : 0;
        int perToken = moe ? f.positiveInt("num_experts_per_tok", 2) : 0;
        if (moe && perToken > experts) {
            throw new ModelFormatException(where + ": num_experts_per_tok (" + perToken + ") exceeds num_local_experts ("
                    + experts + ")");
        }
        if (m.get("hidden_act") != null && !"silu".equals(m.get("hidden_act"))) {
            throw new ModelFormatException(where + ": hidden_act " + m.get("hidden_act") + " is not supported (silu only)");
        }
        if (Boolean.TRUE.equals(m.get("attention_bias")) || Boolean.TRUE.equals(m.get("mlp_bias"))) {
            throw new ModelFormatException(where + ": attention_bias / mlp_bias are not supported");
        }
        int window = m.get("sliding_window") == null ? 0 : f.positiveInt("sliding_window", -1);
        return new LlamaConfig(arch, hidden, f.positiveInt("intermediate_size", -1), f.positiveInt("num_hidden_layers", -1),
                heads, kvHeads, headDim, f.number("rms_norm_eps", 1e-6), f.number("rope_theta", 10000.0),
                f.ropeScaling(), f.positiveInt("vocab_size", -1),
                f.bool("tie_word_embeddings", false), f.positiveInt("max_position_embeddings", 2048), window,
                experts, perToken, m.get("torch_dtype") instanceof String s ? s : null);
    }

    /**
     * The bytes one decode step reads with weights of {@code elementBytes} each and {@code context}
     * tokens in the KV cache: every linear weight and norm once, one embedding row (the whole table
     * when it is also the output head), and the cached keys and values of every layer.
     */
    public long decodeBytesRead(int elementBytes, long context) {
        long h = hiddenSize, d = headDim, f = intermediateSize;
        long attention = h * (heads + 2L * kvHeads) * d + (long) heads * d * h;
        long mlp = isMoe() ? expertsPerToken * 3L * h * f + (long) experts * h : 3L * h * f;
        long perLayer = attention + mlp + 2 * h;
        long head = (long) vocabSize * h;
        long weights = layers * perLayer + h + head + (tieWordEmbeddings ? 0 : h);
        long cache = 2L * layers * kvHeads * d * context;
        return (weights + cache) * elementBytes;
    }

    /**
     * The bytes one decode step reads from a model loaded with INT8 linear weights
     * ({@code DType.I8}): the linear weights of the layers (the chosen experts' only) at one byte
     * per element and four per row for their F32 scales; the norms, the router, the output head and
     * the KV cache at {@code otherBytes} per element, as {@link #decodeBytesRead} counts them.
     */
    public long decodeBytesReadInt8(int otherBytes, long context) {
        long h = hiddenSize, d = headDim, f = intermediateSize;
        long qkvRows = (heads + 2L * kvHeads) * d;
        long attention = (qkvRows * h + 4 * qkvRows) + ((long) heads * d * h + 4 * h);
        long mlp = isMoe() ? expertsPerToken * (2 * (f * h + 4 * f) + (h * f + 4 * h))
                : 2 * (f * h + 4 * f) + (h * f + 4 * h);
        long linear = layers * (attention + mlp);
        long router = isMoe() ? (long) experts * h : 0;
        long other = layers * (2 * h + router) + h + (long) vocabSize * h + (tieWordEmbeddings ? 0 : h)
                + 2L * layers * kvHeads * d * context;
        return linear + other * otherBytes;
    }

    /**
     * The floating-point operations of a prompt of s tokens in one pass: 2 per weight and token in
     * every projection (the chosen experts only), the causal attention's two products (half of the
     * s x s scores), and the output head for the last token.
     */
    public double prefillFlops(long s) {
        double h = hiddenSize, d = headDim, f = intermediateSize;
        double projections = h * (heads + 2.0 * kvHeads) * d + heads * d * h
                + (isMoe() ? expertsPerToken * 3.0 * h * f + experts * h : 3.0 * h * f);
        double attention = 2.0 * 2.0 * heads * d * (s * (s + 1) / 2.0);
        return layers * (2.0 * s * projections + attention) + 2.0 * vocabSize * h;
    }

    /**
     * The rotary inverse frequencies [headDim / 2] as Hugging Face computes them in F32:
     * {@code 1 / theta^(2i/D)}, then the llama3 scaling when the config has one
     * ({@code _compute_llama3_parameters}: low frequencies divided by factor, high ones kept,
     * the band between blended smoothly).
     */
    public float[] inverseFrequencies() {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2L * i) / (float) headDim;
            inv[i] = 1.0f / (float) Math.pow((float) ropeTheta, exponent);
        }
        if (ropeScaling == null) {
            return inv;
        }
        float factor = (float) ropeScaling.factor();
        float low = (float) ropeScaling.lowFreqFactor();
        float high = (float) ropeScaling.highFreqFactor();
        float oldContext = ropeScaling.originalMaxPositions();
        float lowWavelen = oldContext / low;
        float highWavelen = oldContext / high;
        for (int i = 0; i < half; i++) {
            float wavelen = (float) (2 * Math.PI) / inv[i];
            float scaled = wavelen > lowWavelen ? inv[i] / factor : inv[i];
            if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                float smooth = (oldContext / wavelen - low) / (high - low);
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            inv[i] = scaled;
        }
        return inv;
    }

    /** Typed access to the fields of one config object, with messages that name the file and the field. */
    private record Fields(String where, Map<?, ?> m) {
        String architecture() {
            Object a = m.get("architectures");
            if (!(a instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof String name)) {
                throw new ModelFormatException(where + ": no \"architectures\" (one of " + ARCHITECTURES + ")");
            }
            if (!ARCHITECTURES.contains(name)) {
                throw new ModelFormatException(where + ": architecture " + name + " is not supported; CausalLM reads "
                        + ARCHITECTURES);
            }
            return name;
        }

        int positiveInt(String key, int fallback) {
            Object v = m.get(key);
            if (v == null) {
                if (fallback < 0) {
                    throw new ModelFormatException(where + ": missing \"" + key + "\"");
                }
                return fallback;
            }
            if (!(v instanceof Long l) || l <= 0 || l > Integer.MAX_VALUE) {
                throw new ModelFormatException(where + ": \"" + key + "\" must be a positive integer, got " + v);
            }
            return (int) (long) l;
        }

        double number(String key, double fallback) {
            Object v = m.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new ModelFormatException(where + ": \"" + key + "\" must be a number, got " + v);
            }
            return n.doubleValue();
        }

        boolean bool(String key, boolean fallback) {
            Object v = m.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Boolean b)) {
                throw new ModelFormatException(where + ": \"" + key + "\" must be true or false, got " + v);
            }
            return b;
        }

        Llama3RopeScaling ropeScaling() {
            Object v = m.get("rope_scaling");
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map<?, ?> rs)) {
                throw new ModelFormatException(where + ": \"rope_scaling\" must be an object, got " + v);
            }
            Object type = rs.get("rope_type") != null ? rs.get("rope_type") : rs.get("type");
            if ("default".equals(type)) {
                return null;
            }
            if (!"llama3".equals(type)) {
                throw new ModelFormatException(where + ": rope_scaling of type " + type + " is not supported (llama3 only)");
            }
            Fields s = new Fields(where + " rope_scaling", rs);
            double factor = s.number("factor", Double.NaN);
            double low = s.number("low_freq_factor", Double.NaN);
            double high = s.number("high_freq_factor", Double.NaN);
            int original = s.positiveInt("original_max_position_embeddings", -1);
            if (!(factor > 0) || !(low > 0) || !(high > low)) {
                throw new ModelFormatException(where + ": llama3 rope_scaling needs factor > 0 and"
                        + " high_freq_factor > low_freq_factor > 0, got " + rs);
            }
            return new Llama3RopeScaling(factor, low, high, original);
        }
    }
}
