package dev.panamax.tool;

import dev.panamax.models.hf.LlamaConfig;
import dev.panamax.models.hf.ModelMaker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code panamax make-model --arch llama|mixtral [...] DIR}: a seeded random checkpoint in the
 * Hugging Face layout (config.json, model.safetensors in BF16 with the real tensor names), for
 * {@code panamax generate} and the benchmarks.
 */
final class MakeModelCommand {
    static final String USAGE = """
            usage: panamax make-model --arch llama|mixtral [options] DIR
              --layers N         decoder layers (2)
              --hidden H         hidden size (64); the head size is H / heads
              --heads N          query heads (4)
              --kv-heads N       key/value heads, a divisor of heads (2)
              --intermediate F   MLP (or expert) intermediate size (160 llama, 96 mixtral)
              --vocab V          vocabulary size (256)
              --experts E        mixtral: experts per layer (4)
              --top-k K          mixtral: experts per token (2)
              --max-positions N  max_position_embeddings (512)
              --tie              tie the output head to the embeddings (no lm_head.weight)
              --llama3-rope F    llama3 rope_scaling with factor F (low 1, high 4, original max-positions / 4)
              --seed S           random seed (1)
            writes DIR/config.json and DIR/model.safetensors (BF16)
            """;

    private final PrintStream out;

    MakeModelCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws IOException {
        String arch = null;
        Path dir = null;
        Integer layers = null, hidden = null, heads = null, kvHeads = null, inter = null, vocab = null, experts = null,
                topK = null, maxPositions = null;
        Double llama3 = null;
        long seed = 1;
        boolean tie = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--arch" -> arch = value(args, ++i, a);
                case "--layers" -> layers = positive(args, ++i, a);
                case "--hidden" -> hidden = positive(args, ++i, a);
                case "--heads" -> heads = positive(args, ++i, a);
                case "--kv-heads" -> kvHeads = positive(args, ++i, a);
                case "--intermediate" -> inter = positive(args, ++i, a);
                case "--vocab" -> vocab = positive(args, ++i, a);
                case "--experts" -> experts = positive(args, ++i, a);
                case "--top-k" -> topK = positive(args, ++i, a);
                case "--max-positions" -> maxPositions = positive(args, ++i, a);
                case "--tie" -> tie = true;
                case "--llama3-rope" -> llama3 = Double.parseDouble(value(args, ++i, a));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                default -> {
                    if (a.startsWith("--") || dir != null) {
                        throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
                    }
                    dir = Path.of(a);
                }
            }
        }
        if (arch == null || dir == null) {
            throw new IllegalArgumentException("needs --arch and DIR\n" + USAGE);
        }
        ModelMaker.Spec base = switch (arch) {
            case "llama" -> ModelMaker.Spec.llama();
            case "mixtral" -> ModelMaker.Spec.mixtral();
            default -> throw new IllegalArgumentException("--arch must be llama or mixtral, got " + arch);
        };
        int positions = maxPositions != null ? maxPositions : base.maxPositions();
        ModelMaker.Spec spec = new ModelMaker.Spec(arch, or(layers, base.layers()), or(hidden, base.hidden()),
                or(heads, base.heads()), or(kvHeads, base.kvHeads()), or(inter, base.intermediate()), or(vocab, base.vocab()),
                or(experts, base.experts()), or(topK, base.topK()), seed, tie,
                llama3 == null ? null : new LlamaConfig.Llama3RopeScaling(llama3, 1, 4, Math.max(1, positions / 4)),
                positions, base.ropeTheta());
        long total = spec.fileBytes();
        out.printf(Locale.ROOT, "making %s: %d layers, hidden %d, %d heads (%d kv), intermediate %d, vocabulary %d%s, %.1f MB%n",
                arch, spec.layers(), spec.hidden(), spec.heads(), spec.kvHeads(), spec.intermediate(), spec.vocab(),
                arch.equals("mixtral") ? ", " + spec.experts() + " experts (top " + spec.topK() + ")" : "", total / 1e6);
        long[] lastReport = {System.nanoTime()};
        ModelMaker.make(spec, dir, written -> {
            long now = System.nanoTime();
            if (now - lastReport[0] > 2_000_000_000L) {
                lastReport[0] = now;
                out.printf(Locale.ROOT, "  %.0f%% written%n", 100.0 * written / total);
            }
        });
        out.println("wrote " + dir.resolve("config.json") + " and " + dir.resolve("model.safetensors"));
        return 0;
    }

    private static int or(Integer v, int fallback) {
        return v != null ? v : fallback;
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static int positive(String[] args, int i, String option) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(option + " needs a positive integer, got '" + v + "'");
    }
}
