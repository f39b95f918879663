package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.models.hf.Json;
import dev.panamax.models.hf.ModelMaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the loader says about checkpoints it cannot read, and the JSON reader underneath. */
class CheckpointErrorsTest {
    @TempDir
    Path tmp;

    private Path copyOfTinyModel() throws Exception {
        Path src = TestModels.dir(TestModels.llama());
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(src.resolve(f), tmp.resolve(f));
        }
        return tmp;
    }

    private static String failure(Path dir) {
        var e = assertThrows(ModelFormatException.class, () -> CausalLM.load(dir, Device.cpu(), DType.F32).close());
        return e.getMessage();
    }

    private static void editConfig(Path dir, String from, String to) throws Exception {
        String c = Files.readString(dir.resolve("config.json"));
        assertTrue(c.contains(from), from);
        Files.writeString(dir.resolve("config.json"), c.replace(from, to));
    }

    @Test
    void missingTensor() throws Exception {
        Path dir = copyOfTinyModel();
        editConfig(dir, "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        String m = failure(dir);
        assertTrue(m.contains("model.layers.2.") && m.contains("missing"), m);
    }

    @Test
    void wrongShape() throws Exception {
        Path dir = copyOfTinyModel();
        editConfig(dir, "\"intermediate_size\": 160", "\"intermediate_size\": 128");
        String m = failure(dir);
        assertTrue(m.contains("mlp") && m.contains("[128, 64]") && m.contains("[160, 64]"), m);
    }

    @Test
    void unsupportedArchitectureAndRopeScaling() throws Exception {
        Path dir = copyOfTinyModel();
        editConfig(dir, "LlamaForCausalLM", "GPT2LMHeadModel");
        String m = failure(dir);
        assertTrue(m.contains("GPT2LMHeadModel") && m.contains("not supported"), m);
        editConfig(dir, "GPT2LMHeadModel", "LlamaForCausalLM");
        editConfig(dir, "\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}");
        m = failure(dir);
        assertTrue(m.contains("yarn"), m);
    }

    @Test
    void mistralWithASlidingWindow() throws Exception {
        // the same weights under MistralForCausalLM: the same logits; the context capped at the window
        Path dir = copyOfTinyModel();
        editConfig(dir, "LlamaForCausalLM", "MistralForCausalLM");
        editConfig(dir, "\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 24");
        int[] prompt = TestModels.prompt(10, 256, 8);
        try (CausalLM mistral = CausalLM.load(dir, Device.cpu(), DType.F32);
             CausalLM llama = CausalLM.load(TestModels.dir(TestModels.llama()), Device.cpu(), DType.F32)) {
            assertEquals(24, mistral.maxContext());
            assertEquals(512, llama.maxContext());
            org.junit.jupiter.api.Assertions.assertArrayEquals(llama.logits(prompt), mistral.logits(prompt));
            org.junit.jupiter.api.Assertions.assertArrayEquals(llama.generate(prompt, 15), mistral.generate(prompt, 15));
            var e = assertThrows(IllegalArgumentException.class, () -> mistral.generate(prompt, 16));
            assertTrue(e.getMessage().contains("24"), e.getMessage());
        }
    }

    @Test
    void noCheckpointAndBrokenFiles() throws Exception {
        String m = failure(tmp);
        assertTrue(m.contains("config.json"), m);
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("model.safetensors"));
        m = failure(dir);
        assertTrue(m.contains("model.safetensors"), m);
        // a header length past the end of the file
        Files.write(dir.resolve("model.safetensors"),
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        m = failure(dir);
        assertTrue(m.contains("header length"), m);
        // data_offsets that disagree with the shape
        byte[] header = "{\"model.norm.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}"
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Files.write(dir.resolve("model.safetensors"), b.array());
        m = failure(dir);
        assertTrue(m.contains("model.norm.weight") && m.contains("12 bytes"), m);
    }

    @Test
    void shardedCheckpointWithItsIndex() throws Exception {
        // the single file split into two shards by rewriting it: every tensor of layer 1 in the second
        Path src = TestModels.dir(TestModels.llama());
        Files.copy(src.resolve("config.json"), tmp.resolve("config.json"));
        try (var st = dev.panamax.models.hf.SafeTensors.open(src)) {
            var all = st.entries();
            StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
            String[] files = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
            for (int shard = 0; shard < 2; shard++) {
                int s = shard;
                var part = all.values().stream().filter(e -> e.name().startsWith("model.layers.1.") == (s == 1)).toList();
                StringBuilder h = new StringBuilder("{");
                long off = 0;
                for (var e : part) {
                    long n = e.data().byteSize();
                    h.append(h.length() > 1 ? "," : "").append(Json.quote(e.name())).append(":{\"dtype\":\"")
                            .append(e.dtype()).append("\",\"shape\":").append(java.util.Arrays.toString(e.shape()).replace(" ", ""))
                            .append(",\"data_offsets\":[").append(off).append(',').append(off + n).append("]}");
                    off += n;
                    index.append(index.charAt(index.length() - 1) == '{' ? "" : ",").append(Json.quote(e.name()))
                            .append(':').append(Json.quote(files[shard]));
                }
                byte[] hb = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate((int) (8 + hb.length + off)).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(hb.length).put(hb);
                for (var e : part) {
                    b.put(e.data().asByteBuffer());
                }
                Files.write(tmp.resolve(files[shard]), b.array());
            }
            Files.writeString(tmp.resolve("model.safetensors.index.json"), index.append("}}").toString());
        }
        int[] prompt = TestModels.prompt(6, 256, 4);
        try (CausalLM sharded = CausalLM.load(tmp, Device.cpu(), DType.F32);
             CausalLM single = CausalLM.load(src, Device.cpu(), DType.F32)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(single.logits(prompt), sharded.logits(prompt));
        }
    }

    @Test
    void jsonReader() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\\\"\"], \"b\": {}, \"c\": 12345678901234}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(java.util.Arrays.asList(1L, -2500.0, true, false, null, "x\u00e9\n\""),
                m.get("a"));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(12345678901234L, m.get("c"));
        assertEquals("\"a\\\\b\\\"\\n\"", Json.quote("a\\b\"\n"));
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":01x}", "-")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON: "), e.getMessage());
        }
    }
}
