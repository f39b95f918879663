package dev.panamax.tool;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.models.CausalLM;
import dev.panamax.models.hf.LlamaConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * {@code panamax generate --model DIR [--device SPEC] [--dtype T] [--prompt-ids 1,2,3] [--tokens N]}:
 * loads a Hugging Face Llama/Mistral checkpoint, runs the prompt in one pass and N greedy decode
 * steps, and prints the generated ids with the prefill and decode tokens per second.
 */
final class GenerateCommand {
    /** The untimed runs before a --roofline measurement, the tokens each generates, and prompt passes after them. */
    private static final int WARM_UP_RUNS = 3, WARM_UP_TOKENS = 48, WARM_UP_PROMPTS = 32;
    static final String USAGE = """
            usage: panamax generate --model DIR [options]
              --model DIR          a Hugging Face checkpoint: config.json and model.safetensors (or shards)
              --device SPEC        cpu, opencl:N, cuda:N (default: the best device)
              --dtype T            bf16, f16 or f32 weights and activations (bf16); i8: INT8 linear weights
                                   quantized at load, the rest BF16
              --prompt-ids 1,2,3   the prompt's token ids (default: 1)
              --prompt-length N    a seeded random prompt of N ids instead of --prompt-ids (e.g. 512 for prefill)
              --tokens N           tokens to generate (32)
              --roofline           after untimed warm-up runs, also measure the device's copy bandwidth and
                                   GEMM rate, and print the decode step's memory roofline (bytes read per
                                   token / copy bandwidth) and the prompt pass's FLOP rate as a fraction
                                   of the GEMM's
            """;

    private final PrintStream out;

    GenerateCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws java.io.IOException {
        try {
            return generate(args);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private int generate(String[] args) {
        Path model = null;
        String spec = null;
        DType dtype = DType.BF16;
        int[] prompt = {1};
        int tokens = 32;
        boolean roofline = false;
        int promptLength = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = Path.of(MakeModelCommand.value(args, ++i, a));
                case "--device" -> spec = MakeModelCommand.value(args, ++i, a);
                case "--dtype" -> dtype = dtype(MakeModelCommand.value(args, ++i, a));
                case "--prompt-ids" -> prompt = ids(MakeModelCommand.value(args, ++i, a));
                case "--tokens" -> tokens = MakeModelCommand.positive(args, ++i, a);
                case "--prompt-length" -> promptLength = MakeModelCommand.positive(args, ++i, a);
                case "--roofline" -> roofline = true;
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("needs --model DIR\n" + USAGE);
        }
        try (Device device = spec == null ? Device.best() : Device.open(spec)) {
            out.println("device: " + device.spec() + " (" + device.name() + "), " + dtype);
            long t0 = System.nanoTime();
            long[] lastReport = {t0};
            CausalLM lm = CausalLM.load(model, device, dtype, fraction -> {
                long now = System.nanoTime();
                if (now - lastReport[0] > 2_000_000_000L) {
                    lastReport[0] = now;
                    out.printf(Locale.ROOT, "  loading: %.0f%%%n", 100 * fraction);
                }
            });
            try (lm) {
                out.printf(Locale.ROOT, "loaded %s in %.1f s (vocabulary %d)%n", model, (System.nanoTime() - t0) / 1e9,
                        lm.vocabularySize());
                if (promptLength > 0) {
                    prompt = new java.util.SplittableRandom(42).ints(promptLength, 0, lm.vocabularySize()).toArray();
                }
                if (roofline) {
                    // untimed runs first, so that the timed one finds the code compiled: a run of 4
                    // decode steps left the first fifty or so timed steps to the JIT (the 8-layer
                    // generated Llama: 11.4 to 12.6 ms a token in INT8 over 126 steps, 8.1 to 8.5
                    // once compiled)
                    for (int run = 0; run < WARM_UP_RUNS; run++) {
                        lm.generate(Arrays.copyOf(prompt, Math.min(prompt.length, 16)), WARM_UP_TOKENS);
                    }
                    for (int run = 0; run < WARM_UP_PROMPTS; run++) { // the prompt pass's products too
                        lm.generate(Arrays.copyOf(prompt, Math.min(prompt.length, 16)), 1);
                    }
                }
                // the first token comes out of the prompt's pass, every later one out of a decode step
                long[] firstAt = {0};
                long start = System.nanoTime();
                int[] generated = lm.generate(prompt, tokens, id -> {
                    if (firstAt[0] == 0) {
                        firstAt[0] = System.nanoTime();
                    }
                });
                long end = System.nanoTime();
                StringJoiner ids = new StringJoiner(",");
                Arrays.stream(generated).forEach(id -> ids.add(Integer.toString(id)));
                out.println("prompt: " + prompt.length + " tokens");
                out.println("generated: " + ids);
                double prefill = (firstAt[0] - start) / 1e9;
                out.printf(Locale.ROOT, "prefill: %d tokens in %.3f s, %.1f tokens/s%n", prompt.length, prefill,
                        prompt.length / prefill);
                if (roofline) {
                    prefillRate(model, device, dtype, prompt.length, prefill);
                }
                if (tokens > 1) {
                    double decode = (end - firstAt[0]) / 1e9;
                    out.printf(Locale.ROOT, "decode: %d tokens in %.3f s, %.1f tokens/s%n", tokens - 1, decode,
                            (tokens - 1) / decode);
                    if (roofline) {
                        roofline(model, device, dtype, prompt.length + tokens / 2, decode / (tokens - 1));
                    }
                }
            }
        }
        return 0;
    }

    /**
     * Prints the memory roofline of a decode step: the bytes it reads (weights and the KV cache at
     * the mean context of the run) over the device's copy bandwidth (bytes read plus written per
     * second, measured now), beside the measured time per token.
     */
    private void roofline(Path model, Device device, DType dtype, long context, double secondsPerToken) {
        LlamaConfig config = config(model);
        long bytes = dtype == DType.I8
                ? config.decodeBytesReadInt8(dev.panamax.models.hf.LlamaModel.ACTIVATIONS_OF_INT8.byteSize(), context)
                : config.decodeBytesRead(dtype.byteSize(), context);
        double bandwidth = copyBandwidth(device);
        double bound = bytes / bandwidth;
        out.printf(Locale.ROOT, "roofline: %.1f MB read per token at copy bandwidth %.1f GB/s = %.2f ms/token;"
                + " measured %.2f ms/token = %.2f x the roofline%n", bytes / 1e6, bandwidth / 1e9, bound * 1e3,
                secondsPerToken * 1e3, secondsPerToken / bound);
    }

    /**
     * Prints the prompt pass's FLOP rate beside our GEMM's on the model's largest projection shape
     * ([S, H] times the [F, H] weight transposed, in dtype), measured now.
     */
    private void prefillRate(Path model, Device device, DType dtype, int s, double seconds) {
        LlamaConfig config = config(model);
        double rate = config.prefillFlops(s) / seconds;
        int h = config.hiddenSize(), f = config.intermediateSize();
        double gemm;
        // I8: the prompt's W8A8 product of BF16 activations with an INT8 weight
        DType act = dtype == DType.I8 ? dev.panamax.models.hf.LlamaModel.ACTIVATIONS_OF_INT8 : dtype;
        try (var a = device.zeros(act, s, h); var w = device.zeros(act, f, h); var c = device.zeros(act, s, f);
             var q = dtype == DType.I8 ? dev.panamax.Ops.quantize(w) : null) {
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                device.synchronize();
                long t0 = System.nanoTime();
                if (q != null) {
                    dev.panamax.Ops.matmul(a, q, true, c);
                } else {
                    dev.panamax.Ops.gemm(1f, a, false, w, true, 0f, c);
                }
                device.synchronize();
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
            double[] timed = Arrays.copyOfRange(t, 1, t.length);
            Arrays.sort(timed);
            gemm = 2.0 * s * h * f / timed[timed.length / 2];
        }
        out.printf(Locale.ROOT, "prefill rate: %.1f GFLOP/s; our %s [%d, %d] x [%d, %d]^T: %.1f GFLOP/s; ratio %.2f%n",
                rate / 1e9, dtype == DType.I8 ? "W8A8 matmul" : "GEMM", s, h, f, h, gemm / 1e9, rate / gemm);
    }

    private static LlamaConfig config(Path model) {
        try {
            return LlamaConfig.read(model);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A 512 MiB copy on the device: the host's all-core MemorySegment.copy for the cpu, else tensor to tensor. */
    private static double copyBandwidth(Device device) {
        long bytes = 512L << 20;
        if (device.backend() == dev.panamax.Backend.CPU) {
            return Ceilings.hostCopy(bytes).copyBytesPerSecond();
        }
        try (var src = device.zeros(DType.F32, bytes / 4); var dst = device.zeros(DType.F32, bytes / 4)) {
            double[] t = new double[7];
            for (int i = 0; i < t.length; i++) {
                device.synchronize();
                long t0 = System.nanoTime();
                dst.copyFrom(src);
                device.synchronize();
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
            double[] timed = Arrays.copyOfRange(t, 2, t.length);
            Arrays.sort(timed);
            return 2.0 * bytes / timed[timed.length / 2];
        }
    }

    private static DType dtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "bf16" -> DType.BF16;
            case "f16" -> DType.F16;
            case "f32" -> DType.F32;
            case "i8" -> DType.I8;
            default -> throw new IllegalArgumentException("--dtype must be bf16, f16, f32 or i8, got " + s);
        };
    }

    private static int[] ids(String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--prompt-ids needs comma-separated integers, got '" + list + "'");
        }
    }
}
