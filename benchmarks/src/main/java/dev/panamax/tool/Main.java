package dev.panamax.tool;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code panamax} command line, run by the {@code ./panamax} launcher (which also handles
 * {@code jmh}, {@code test} and {@code bundle}: JMH runs on a classpath of its own, and the others
 * are about Maven and jlink rather than devices). It needs the core's public API, the core
 * test-jar's float64 reference and the JDK alone (ToolDependenciesTest).
 */
public final class Main {
    private static final String USAGE = """
            usage: panamax <command> [options]
              devices            every device and backend, with its facts or why it is unavailable
              bench [options]    every op on every available device, checked and timed (bench --help)
              make-model [...]   a seeded random Llama or Mixtral checkpoint in the Hugging Face layout (make-model --help)
              generate [...]     greedy generation with a Hugging Face Llama checkpoint, with tokens/s (generate --help)
              embed TEXT...      sentence embeddings, all-MiniLM-L6-v2 by default (embed --help)
              jmh [JMH args]     the JMH benchmarks and their peers (dev.panamax.jmh) [launcher]
              test [mvn args]    the whole test suite (mvn verify) [launcher]
              bundle [DIR]       a self-contained folder for a GPU host without a JDK [launcher]
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "devices" -> new DevicesCommand(out).run();
                case "bench" -> {
                    if (Arrays.asList(rest).contains("--help")) {
                        out.print(BenchOptions.USAGE);
                        yield 0;
                    }
                    yield new BenchCommand(BenchOptions.parse(rest), out, err).run();
                }
                case "make-model" -> {
                    if (Arrays.asList(rest).contains("--help")) {
                        out.print(MakeModelCommand.USAGE);
                        yield 0;
                    }
                    yield new MakeModelCommand(out).run(rest);
                }
                case "generate" -> {
                    if (Arrays.asList(rest).contains("--help")) {
                        out.print(GenerateCommand.USAGE);
                        yield 0;
                    }
                    yield new GenerateCommand(out).run(rest);
                }
                case "embed" -> new EmbedCommand(out, err).run(rest);
                default -> {
                    err.print("panamax: unknown command '" + args[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("panamax " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("panamax " + args[0] + ": " + e);
            return 2;
        }
    }
}
