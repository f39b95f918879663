package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.models.hf.LlamaModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;

/**
 * A decoder-only language model from a Hugging Face checkpoint directory: {@code config.json} and
 * {@code model.safetensors} (or the shards of {@code model.safetensors.index.json}), of
 * architecture LlamaForCausalLM or MistralForCausalLM (RMSNorm, rotary embeddings with
 * {@code rope_theta} and the {@code llama3} {@code rope_scaling}, grouped-query attention, SwiGLU,
 * tied or separate output head), and MixtralForCausalLM (its sparse MoE block through
 * {@code Ops.topKGating} and {@code Ops.moe}).
 *
 * <p>The weights live on the device in the chosen dtype (I8: INT8 linear weights, see
 * {@link #load(Path, Device, DType)}); a forward pass runs there from the token
 * ids to the logits, with one KV cache per layer: the prompt in one pass (prefill), then one token
 * per step. Each call has a KV cache and work buffers of its own, so calls from several threads may
 * run at once (the weights are only read).
 */
public final class CausalLM implements AutoCloseable {
    private final LlamaModel model;

    private CausalLM(LlamaModel model) {
        this.model = model;
    }

    /**
     * Loads dir onto device with its weights in dtype: F32, F16 or BF16 (weights and activations),
     * or I8: every linear weight of the layers (attention, MLP, experts) quantized at load to
     * symmetric INT8 with one F32 scale per output row ({@code Ops.quantize}), the embeddings,
     * norms, output head, MoE router, KV cache and activations in BF16; a decode step runs W8A16,
     * a prompt pass W8A8 (each activation row quantized too), except the dense MLP's down
     * projection, which stays W8A16 (its input's heavy tails cost too much accuracy in 8 bits).
     */
    public static CausalLM load(Path dir, Device device, DType dtype) {
        return load(dir, device, dtype, null);
    }

    /**
     * As {@link #load(Path, Device, DType)}, telling {@code progress} (when not null) the fraction
     * of the checkpoint's bytes on the device so far, after each tensor.
     */
    public static CausalLM load(Path dir, Device device, DType dtype, DoubleConsumer progress) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dtype, "dtype");
        if (dtype == DType.I32) {
            throw new IllegalArgumentException("CausalLM.load: weights must be F32, F16, BF16 or I8, got I32");
        }
        try {
            return new CausalLM(LlamaModel.load(dir, device, dtype, progress));
        } catch (IOException e) {
            throw new UncheckedIOException("CausalLM.load: " + dir + ": " + e.getMessage(), e);
        }
    }

    public int vocabularySize() {
        return model.config().vocabSize();
    }

    /** The longest sequence, prompt and generated tokens together, that this model runs. */
    public int maxContext() {
        return model.maxContext();
    }

    /** The next-token logits after a fresh prompt (run in one pass). */
    public float[] logits(int[] prompt) {
        checkPrompt(prompt);
        try (LlamaModel.Session s = model.session(prompt.length); var logits = s.forward(prompt)) {
            return logits.toFloatArray();
        }
    }

    /** Greedy generation: maxNewTokens tokens after the prompt, which runs in one pass. */
    public int[] generate(int[] prompt, int maxNewTokens) {
        return generate(prompt, maxNewTokens, null);
    }

    /**
     * As {@link #generate(int[], int)}, telling {@code onToken} (when not null) each token as it is
     * chosen: the first one after the prompt's pass, then one per decode step.
     */
    public int[] generate(int[] prompt, int maxNewTokens, IntConsumer onToken) {
        checkPrompt(prompt);
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("CausalLM.generate: maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        int[] out = new int[maxNewTokens];
        if (maxNewTokens == 0) {
            return out;
        }
        // the last generated token is never run, so the cache needs one position less
        try (LlamaModel.Session s = model.session(prompt.length + maxNewTokens - 1)) {
            int next = s.next(prompt);
            for (int i = 0; ; i++) {
                out[i] = next;
                if (onToken != null) {
                    onToken.accept(next);
                }
                if (i + 1 == maxNewTokens) {
                    return out;
                }
                next = s.next(new int[] {next});
            }
        }
    }

    private void checkPrompt(int[] prompt) {
        Objects.requireNonNull(prompt, "prompt");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("CausalLM: the prompt must hold at least one token");
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
