package dev.panamax.tool;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code panamax embed}: its options, and a real run on all-MiniLM-L6-v2 when the local Maven repository holds it. */
class EmbedCommandTest {
    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsPrintTheUsage() {
        Result none = run("embed");
        assertEquals(2, none.status);
        assertTrue(none.err.contains("no text to embed") && none.err.contains("usage: panamax embed"), none.err);
        Result unknown = run("embed", "--frobnicate", "x");
        assertEquals(2, unknown.status);
        assertTrue(unknown.err.contains("unknown option --frobnicate"), unknown.err);
        Result dtype = run("embed", "--dtype", "I32", "x");
        assertEquals(2, dtype.status);
        assertTrue(dtype.err.contains("F32, F16, BF16 or I8"), dtype.err);
        Result help = run("embed", "--help");
        assertEquals(0, help.status);
        assertTrue(help.out.startsWith("usage: panamax embed"), help.out);
        Result missing = run("embed", "--model", "/nonexistent/model.onnx", "x");
        assertEquals(2, missing.status);
        assertTrue(missing.err.contains("/nonexistent/model.onnx"), missing.err);
    }

    @Test
    void embedsHelloWorldAsJson() {
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "dev", "langchain4j",
                EmbedCommand.MINILM_ARTIFACT, EmbedCommand.MINILM_VERSION,
                EmbedCommand.MINILM_ARTIFACT + "-" + EmbedCommand.MINILM_VERSION + ".jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "all-MiniLM-L6-v2 is not in the local Maven repository: " + jar);
        Result r = run("embed", "--device", "cpu", "--model", jar.toString(), "--json", "Hello world", "Bonjour");
        assertEquals(0, r.status, r.err);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(r.out);
        assertEquals(384.0, ((Number) doc.get("dimension")).doubleValue());
        var embeddings = (java.util.List<?>) doc.get("embeddings");
        assertEquals(2, embeddings.size());
        var first = (Map<?, ?>) embeddings.get(0);
        assertEquals("Hello world", first.get("text"));
        var v = (java.util.List<?>) first.get("embedding");
        assertEquals(384, v.size());
        double norm = 0;
        for (Object x : v) {
            norm += Math.pow(((Number) x).doubleValue(), 2);
        }
        assertEquals(1.0, norm, 1e-4);
        // sentence-transformers' all-MiniLM-L6-v2 embedding of "Hello world" starts -0.0345, 0.0310, 0.0067
        assertEquals(-0.0345, ((Number) v.get(0)).doubleValue(), 5e-4);
        assertEquals(0.0310, ((Number) v.get(1)).doubleValue(), 5e-4);
        assertTrue(r.err.contains("embed: loading"), r.err);
        // INT8 projections quantized at load: close to the same embedding
        Result i8 = run("embed", "--device", "cpu", "--model", jar.toString(), "--dtype", "I8", "--json", "Hello world");
        assertEquals(0, i8.status, i8.err);
        var q = (java.util.List<?>) ((Map<?, ?>) ((java.util.List<?>) ((Map<?, ?>) Json.parse(i8.out)).get("embeddings"))
                .get(0)).get("embedding");
        double dot = 0;
        for (int i = 0; i < 384; i++) {
            dot += ((Number) q.get(i)).doubleValue() * ((Number) v.get(i)).doubleValue();
        }
        assertTrue(dot > 0.99, "cosine of the I8 and F32 embeddings of Hello world: " + dot);
    }
}
