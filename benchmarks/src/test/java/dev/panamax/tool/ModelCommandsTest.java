package dev.panamax.tool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make-model then generate, through the command line, on the cpu. */
class ModelCommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void makeModelThenGenerate(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, run("make-model", "--arch", "llama", "--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2",
                "--intermediate", "96", "--vocab", "300", "--seed", "5", model.toString()), out() + err);
        assertTrue(Files.readString(model.resolve("config.json")).contains("\"LlamaForCausalLM\""));
        assertTrue(Files.size(model.resolve("model.safetensors")) > 2 * 300 * 64);
        assertEquals(0, run("generate", "--model", model.toString(), "--device", "cpu", "--prompt-ids", "1,2,3",
                "--tokens", "5"), out() + err);
        Matcher m = Pattern.compile("generated: (\\d+(,\\d+){4})\\n").matcher(out());
        assertTrue(m.find(), out());
        assertTrue(out().contains("prefill: 3 tokens") && out().contains("decode: 4 tokens") && out().contains("tokens/s"), out());
        String first = m.group(1);
        assertEquals(0, run("generate", "--model", model.toString(), "--device", "cpu", "--dtype", "f32",
                "--prompt-ids", "1,2,3", "--tokens", "5"), out() + err);
        assertTrue(out().contains("generated: "), out());
        assertEquals(0, run("generate", "--model", model.toString(), "--device", "cpu", "--prompt-length", "40",
                "--tokens", "4", "--roofline"), out() + err);
        assertTrue(out().contains("prefill: 40 tokens") && out().contains("x the roofline")
                && out().contains("prefill rate: "), out());
        // INT8 linear weights, and the roofline of their bytes
        assertEquals(0, run("generate", "--model", model.toString(), "--device", "cpu", "--dtype", "i8",
                "--prompt-length", "20", "--tokens", "4", "--roofline"), out() + err);
        assertTrue(out().contains("I8") && out().contains("x the roofline") && out().contains("W8A8 matmul"), out());
        // the seed decides the weights: the same command makes the same file
        Path again = dir.resolve("again");
        assertEquals(0, run("make-model", "--arch", "llama", "--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2",
                "--intermediate", "96", "--vocab", "300", "--seed", "5", again.toString()));
        assertEquals(-1, Files.mismatch(model.resolve("model.safetensors"), again.resolve("model.safetensors")));
        assertTrue(first.split(",").length == 5);
    }

    @Test
    void badArguments(@TempDir Path dir) {
        assertEquals(2, run("make-model", "--arch", "gpt2", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("llama or mixtral"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("generate", "--model", dir.toString(), "--device", "cpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("config.json"), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("make-model", "--help"));
        assertTrue(out().contains("--kv-heads"));
        assertEquals(0, run("generate", "--help"));
        assertTrue(out().contains("--prompt-ids"));
    }
}
