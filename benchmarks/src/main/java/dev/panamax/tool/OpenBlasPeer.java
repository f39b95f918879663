package dev.panamax.tool;

import dev.panamax.DType;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenBLAS {@code cblas_sgemm} as the peer of the CPU's F32 GEMM rows of {@code panamax bench},
 * in a JVM of its own whose environment lacks {@code OPENBLAS_CORETYPE} and
 * {@code OPENBLAS_L2_SIZE} ({@link OpenBlas#KERNEL_VARIABLES}): OpenBLAS then picks the best kernel it
 * has for this CPU, which is what the CPU GEMM target is a ratio to. Only that process runs
 * without them; the bench, the tests and everything else keep the environment they were given.
 *
 * <p>The parent ({@link #run}) writes the cases as {@code --cases-json} does, starts
 * {@link #main} on the same classpath with the same seed, and reads back a peer file in the
 * format of {@link Peer}; the child prints which kernel OpenBLAS picked
 * ({@code openblas_get_corename}), which the table shows in each peer cell. Each case uses the
 * bench's own inputs (the same seed and case id), is checked against the float64 reference first,
 * and is timed by the same {@link Timer} with the same budget, on the CPU device's thread count.
 */
final class OpenBlasPeer {
    private static final int SAMPLES = 256;

    private OpenBlasPeer() {
    }

    /**
     * The cases OpenBLAS has a counterpart for: F32 {@code gemm} and {@code gemm-packed}
     * ({@code cblas_sgemm} on b as stored: OpenBLAS has no call that keeps a packed matrix between
     * products, so it packs b within each call, as it does for every caller).
     */
    static boolean takes(Case c) {
        return (c.op().equals("gemm") || c.op().equals("gemm-packed")) && c.dtype() == DType.F32 && c.out() == DType.F32;
    }

    /**
     * Removes {@link OpenBlas#KERNEL_VARIABLES} from a child's environment.
     *
     * @return those that were set, as {@code NAME=value}
     */
    static List<String> forBestKernel(Map<String, String> environment) {
        List<String> removed = new ArrayList<>();
        for (String name : OpenBlas.KERNEL_VARIABLES) {
            String value = environment.remove(name);
            if (value != null) {
                removed.add(name + "=" + value);
            }
        }
        return removed;
    }

    /** The child JVM: this JVM's java and classpath, {@link #main}, the environment less {@link OpenBlas#KERNEL_VARIABLES}. */
    static ProcessBuilder process(Path cases, Path out, int threads, Catalog.Profile profile, long seed,
                                  double deadlineSeconds) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                OpenBlasPeer.class.getName(),
                "--cases", cases.toString(), "--out", out.toString(),
                "--threads", Integer.toString(threads),
                "--profile", profile.name(),
                "--seed", Long.toString(seed)));
        if (Double.isFinite(deadlineSeconds)) {
            command.addAll(List.of("--deadline", Double.toString(deadlineSeconds)));
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        forBestKernel(pb.environment());
        pb.redirectErrorStream(true);
        return pb;
    }

    /**
     * Runs the peer for {@code cases} (those it {@link #takes}) in a child JVM, its output on
     * {@code progress}; returns its figures, or a peer whose {@link Peer#unavailable()} says why
     * there are none.
     */
    static Peer run(List<Case> cases, Catalog.Profile profile, int threads, long seed, double deadlineSeconds,
                    PrintStream progress) throws IOException {
        Path dir = Files.createTempDirectory("panamax-openblas");
        try {
            Path in = dir.resolve("cases.json");
            Path out = dir.resolve("peer.json");
            List<Object> list = new ArrayList<>();
            cases.stream().filter(OpenBlasPeer::takes).forEach(c -> list.add(ResultTable.describe(c)));
            Files.writeString(in, Json.write(Map.of("cases", list)));
            ProcessBuilder pb = process(in, out, threads, profile, seed, deadlineSeconds);
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    progress.println("  [openblas] " + line);
                }
            }
            int status;
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return failed("its JVM did not exit");
                }
                status = p.exitValue();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                return failed("interrupted");
            }
            if (status != 0 || !Files.exists(out)) {
                return failed("its JVM exited with status " + status + " (its output above, prefixed [openblas])");
            }
            return Peer.read(out);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Peer failed(String why) {
        return new Peer("OpenBLAS", "OpenBLAS", "cpu", Ceilings.NONE, Map.of(), Map.of(), Map.of(), why);
    }

    /**
     * The child: {@code --cases FILE --out FILE --threads N --profile NAME --seed S [--deadline SEC]}.
     * Exits 0 with a peer file written, also when OpenBLAS cannot be loaded (the file says why).
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path out = Path.of(require(a, "--out"));
        Map<String, Object> root = new LinkedHashMap<>();
        String why = OpenBlas.unavailability().orElse(null);
        if (why != null) {
            root.put("peer", "OpenBLAS");
            root.put("unavailable", why);
            System.out.println(why);
            Files.writeString(out, Json.write(root));
            return;
        }
        int threads = Integer.parseInt(require(a, "--threads"));
        Catalog.Profile profile = Catalog.Profile.valueOf(require(a, "--profile"));
        long seed = Long.parseLong(require(a, "--seed"));
        double deadline = Double.parseDouble(a.getOrDefault("--deadline", "Infinity"));
        OpenBlas.setThreads(threads);
        String kernel = OpenBlas.coreName();
        String environment = OpenBlas.environment();
        System.out.println("kernel " + kernel + ", " + threads + " threads, " + environment + " (" + OpenBlas.config() + ")");
        String[] words = OpenBlas.config().split(" ");
        String version = words.length > 1 && words[0].equals("OpenBLAS") ? words[0] + " " + words[1] : "OpenBLAS";
        root.put("peer", version + " (kernel " + kernel
                + ", " + threads + " threads, cblas_sgemm through FFM, " + environment + ")");
        root.put("label", "OpenBLAS " + kernel);
        root.put("kernel", kernel);
        root.put("device", "cpu");
        Map<String, Object> results = new LinkedHashMap<>();
        long start = System.nanoTime();
        Object parsed = Json.parse(Files.readString(Path.of(require(a, "--cases"))));
        for (Object o : (List<?>) ((Map<?, ?>) parsed).get("cases")) {
            Case c = fromJson((Map<?, ?>) o);
            Map<String, Object> r = new LinkedHashMap<>();
            if ((System.nanoTime() - start) / 1e9 > deadline) {
                r.put("error", "deadline: not run");
            } else {
                System.out.println(c.id());
                try {
                    r.putAll(gemm(c, new Data(seed + c.id().hashCode()), Timer.Budget.of(profile)));
                } catch (RuntimeException | OutOfMemoryError e) {
                    r.put("error", e.toString());
                }
            }
            results.put(c.id(), r);
        }
        root.put("results", results);
        Files.writeString(out, Json.write(root));
    }

    private static String require(Map<String, String> args, String name) {
        String v = args.get(name);
        if (v == null) {
            throw new IllegalArgumentException("OpenBlasPeer: " + name + " is required");
        }
        return v;
    }

    /** A case back from the JSON of {@link ResultTable#describe}. */
    static Case fromJson(Map<?, ?> m) {
        Map<String, Long> dims = new LinkedHashMap<>();
        ((Map<?, ?>) m.get("dims")).forEach((k, v) -> dims.put((String) k, ((Number) v).longValue()));
        return new Case((String) m.get("op"), DType.valueOf((String) m.get("dtype")), DType.valueOf((String) m.get("out")),
                dims);
    }

    /** One case: the bench's inputs, one checked call, then timed; its peer-file entry. */
    private static Map<String, Object> gemm(Case c, Data data, Timer.Budget budget) {
        int m = c.intDim("M"), n = c.intDim("N"), k = c.intDim("K");
        boolean transB = GemmBench.transB(c);
        float[] a = Samples.input(data, DType.F32, (long) m * k, -1, 1);
        float[] b = Samples.input(data, DType.F32, (long) k * n, -1, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment sc = arena.allocate((long) m * n * Float.BYTES, 64);
            Timer.Work work = new Timer.Work() {
                @Override
                public void run() {
                    OpenBlas.sgemm(false, transB, m, n, k, 1f, sa, sb, 0f, sc);
                }

                @Override
                public void await() {
                    // cblas_sgemm returns when c is written
                }
            };
            sc.fill((byte) 0xff); // NaN: an element left unwritten fails the check
            work.run();
            long[] picks = Samples.indices(data, (long) m * n, SAMPLES);
            float[] got = new float[picks.length];
            double[] ref = new double[picks.length];
            for (int s = 0; s < picks.length; s++) {
                got[s] = sc.getAtIndex(ValueLayout.JAVA_FLOAT, picks[s]);
                ref[s] = Reference64.gemmAt(0, picks[s] / n, picks[s] % n, m, n, k, 1, a, false, b, transB, false, 0, null);
            }
            double error = Reference64.relativeError(got, ref);
            Map<String, Object> r = new LinkedHashMap<>();
            if (!(error <= Tolerances.accumulate(DType.F32))) {
                r.put("error", String.format(Locale.ROOT, "wrong result: relative error %.1e against the float64 reference", error));
                return r;
            }
            Timer.Timing t = Timer.measure(work, budget);
            r.put("seconds", t.seconds());
            if (!t.steady()) {
                r.put("note", t.unsteady());
            }
            return r;
        }
    }
}
