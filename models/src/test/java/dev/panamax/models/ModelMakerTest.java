package dev.panamax.models;

import dev.panamax.models.hf.LlamaConfig;
import dev.panamax.models.hf.ModelMaker;
import dev.panamax.models.hf.SafeTensors;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make-model writes the Hugging Face layout: the tensor names, shapes and dtype, and a config that reads back. */
class ModelMakerTest {
    private static Map<String, long[]> tensors(Path dir) throws Exception {
        Map<String, long[]> m = new TreeMap<>();
        try (SafeTensors st = SafeTensors.open(dir)) {
            for (var e : st.entries().values()) {
                assertEquals("BF16", e.dtype(), e.name());
                m.put(e.name(), e.shape());
            }
        }
        return m;
    }

    @Test
    void llamaLayout() throws Exception {
        ModelMaker.Spec spec = TestModels.llama(); // hidden 64, 4 heads of 16, 2 KV heads, F 160, V 256
        Path dir = TestModels.dir(spec);
        Map<String, long[]> t = tensors(dir);
        assertEquals(2 + 2 * 9 + 1, t.size(), t.keySet().toString());
        assertEquals(Arrays.toString(new long[] {256, 64}), Arrays.toString(t.get("model.embed_tokens.weight")));
        assertEquals(Arrays.toString(new long[] {256, 64}), Arrays.toString(t.get("lm_head.weight")));
        assertEquals(Arrays.toString(new long[] {64}), Arrays.toString(t.get("model.norm.weight")));
        for (int l = 0; l < 2; l++) {
            String p = "model.layers." + l + ".";
            assertEquals("[64, 64]", Arrays.toString(t.get(p + "self_attn.q_proj.weight")));
            assertEquals("[32, 64]", Arrays.toString(t.get(p + "self_attn.k_proj.weight")));
            assertEquals("[32, 64]", Arrays.toString(t.get(p + "self_attn.v_proj.weight")));
            assertEquals("[64, 64]", Arrays.toString(t.get(p + "self_attn.o_proj.weight")));
            assertEquals("[160, 64]", Arrays.toString(t.get(p + "mlp.gate_proj.weight")));
            assertEquals("[160, 64]", Arrays.toString(t.get(p + "mlp.up_proj.weight")));
            assertEquals("[64, 160]", Arrays.toString(t.get(p + "mlp.down_proj.weight")));
            assertEquals("[64]", Arrays.toString(t.get(p + "input_layernorm.weight")));
            assertEquals("[64]", Arrays.toString(t.get(p + "post_attention_layernorm.weight")));
        }
        LlamaConfig c = LlamaConfig.read(dir);
        assertEquals(new LlamaConfig("LlamaForCausalLM", 64, 160, 2, 4, 2, 16, 1e-5, 10000.0, null, 256, false, 512, 0, 0, 0,
                "bfloat16"), c);
        // the data starts 8-byte aligned after the header
        try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"))) {
            var b = java.nio.ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            assertEquals(0, b.getLong(0) % 8);
        }
    }

    @Test
    void mixtralLayout() throws Exception {
        Path dir = TestModels.dir(ModelMaker.Spec.mixtral().withSeed(2)); // 4 experts of F 96, top 2
        Map<String, long[]> t = tensors(dir);
        String p = "model.layers.1.block_sparse_moe.";
        assertEquals("[4, 64]", Arrays.toString(t.get(p + "gate.weight")));
        for (int e = 0; e < 4; e++) {
            assertEquals("[96, 64]", Arrays.toString(t.get(p + "experts." + e + ".w1.weight")));
            assertEquals("[64, 96]", Arrays.toString(t.get(p + "experts." + e + ".w2.weight")));
            assertEquals("[96, 64]", Arrays.toString(t.get(p + "experts." + e + ".w3.weight")));
        }
        assertTrue(t.keySet().stream().noneMatch(n -> n.contains(".mlp.")), t.keySet().toString());
        LlamaConfig c = LlamaConfig.read(dir);
        assertEquals("MixtralForCausalLM", c.architecture());
        assertEquals(4, c.experts());
        assertEquals(2, c.expertsPerToken());
    }

    @Test
    void weightsHaveTheirScale() throws Exception {
        // uniform with standard deviation 1/sqrt(fan-in) for projections, near 1 for norms
        try (SafeTensors st = SafeTensors.open(TestModels.dir(TestModels.llama()))) {
            double[] q = stats(st.entry("model.layers.0.self_attn.q_proj.weight"));
            assertEquals(0, q[0], 0.01);
            assertEquals(1 / Math.sqrt(64), q[1], 0.01);
            double[] norm = stats(st.entry("model.layers.0.input_layernorm.weight"));
            assertEquals(1, norm[0], 0.03);
        }
    }

    /** Mean and standard deviation of a BF16 tensor. */
    private static double[] stats(SafeTensors.Entry e) {
        var le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long n = e.elements();
        double sum = 0, sq = 0;
        for (long i = 0; i < n; i++) {
            double v = Float.intBitsToFloat((e.data().getAtIndex(le, i) & 0xFFFF) << 16);
            assertTrue(Double.isFinite(v));
            sum += v;
            sq += v * v;
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(sq / n - mean * mean)};
    }
}
