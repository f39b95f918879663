package dev.panamax.tool;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.testing.Data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code panamax bench}: every op of {@link Catalog} at the shapes of the device's profile, on
 * every available device or the one named. Per case: set up seeded random inputs, run once and
 * check the result against the float64 reference on a sample, then time it ({@link Timer}).
 * Each case's inputs come from the run's seed and the case's id, so that the printed seed
 * replays any case whatever the other options. On the cpu, the F32 GEMM cases also run through
 * OpenBLAS first ({@link OpenBlasPeer}, in a JVM of its own), on the same inputs.
 * Prints one table; exits 1 when a result is wrong, an op fails or a case is skipped.
 */
final class BenchCommand {
    private final BenchOptions options;
    private final PrintStream out;
    private final PrintStream progress;

    BenchCommand(BenchOptions options, PrintStream out, PrintStream progress) {
        this.options = options;
        this.out = out;
        this.progress = progress;
    }

    /** The exit status: 0 all passed, 1 a case failed or was skipped, 2 a device asked for is unavailable. */
    int run() throws IOException {
        if (options.casesJson() != null) {
            writeCases();
            return 0;
        }
        List<String> specs = options.device() != null ? List.of(options.device()) : Device.available();
        out.println("panamax bench: seed " + options.seed() + " (rerun with --seed " + options.seed() + ")");
        Device.unavailable().forEach((backend, why) -> out.println("  " + backend + ": unavailable: " + why));
        Peer peer = options.peerJson() != null ? Peer.read(options.peerJson()) : null;
        List<Row> rows = new ArrayList<>();
        Map<String, Ceilings> ceilings = new LinkedHashMap<>();
        Map<String, Peer> devicePeers = new LinkedHashMap<>();
        int status = 0;
        long start = System.nanoTime();
        for (String spec : specs) {
            Device device;
            try {
                device = Device.open(spec);
            } catch (DeviceUnavailableException e) {
                out.println("  " + spec + ": unavailable: " + e.getMessage());
                status = 2;
                continue;
            }
            try (device) {
                Catalog.Profile profile = options.profile(device.spec());
                out.println("  " + device.spec() + ": " + device.name() + ", profile " + profile.name().toLowerCase(Locale.ROOT));
                ceilings.put(device.spec(), ceilingsFor(device, profile, peer));
                List<Case> cases = options.cases(profile);
                if (device.backend() == Backend.CPU && options.openblas() && cases.stream().anyMatch(OpenBlasPeer::takes)) {
                    openBlas(device, profile, cases, start).ifPresent(p -> devicePeers.put(device.spec(), p));
                }
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    if (elapsed > options.deadlineSeconds()) {
                        rows.add(skipped(c, device.spec(), String.format(Locale.ROOT,
                                "deadline: %.0f s passed before it started", options.deadlineSeconds())));
                        continue;
                    }
                    progress.printf(Locale.ROOT, "[%d/%d] %s %s %s on %s%n", i + 1, cases.size(), c.op(), c.types(),
                            c.shape(), device.spec());
                    rows.add(new CaseRunner(device, c, Catalog.op(c), new Data(options.seed() + c.id().hashCode()),
                            Timer.Budget.of(profile)).run());
                }
            }
        }
        ResultTable table = new ResultTable(rows, ceilings, devicePeers, peer);
        if (!rows.isEmpty()) {
            out.println();
            out.print(table.render());
        }
        if (options.json() != null) {
            Files.writeString(options.json(), Json.write(table.json(options.seed())));
        }
        boolean allOk = rows.stream().allMatch(r -> r.status() == Row.Status.OK);
        if (!allOk && status == 0) {
            status = 1;
        }
        long failed = rows.stream().filter(r -> r.status() != Row.Status.OK).count();
        out.println();
        out.println(rows.size() - failed + " of " + rows.size() + " cases passed"
                + (status == 2 ? "; a device asked for is unavailable" : ""));
        return status;
    }

    /** The OpenBLAS peer of the cpu's F32 GEMM cases, run before them; empty (with the reason printed) when it cannot run. */
    private Optional<Peer> openBlas(Device device, Catalog.Profile profile, List<Case> cases, long start)
            throws IOException {
        int threads = Integer.parseInt(device.info().getOrDefault("threads", "1"));
        List<String> dropped = OpenBlasPeer.forBestKernel(new HashMap<>(System.getenv()));
        progress.println("[peer] OpenBLAS in a JVM of its own, " + String.join(" and ", OpenBlas.KERNEL_VARIABLES)
                + " unset there" + (dropped.isEmpty() ? "" : " (this one has " + String.join(", ", dropped) + ")")
                + ", " + threads + " threads");
        double left = options.deadlineSeconds() - (System.nanoTime() - start) / 1e9;
        Peer p = OpenBlasPeer.run(cases, profile, threads, options.seed(), left, progress);
        if (p.unavailable() != null) {
            out.println("  " + device.spec() + ": no OpenBLAS peer: " + p.unavailable());
            return Optional.empty();
        }
        out.println("  " + device.spec() + " peer: " + p.name());
        return Optional.of(p);
    }

    private Ceilings ceilingsFor(Device device, Catalog.Profile profile, Peer peer) {
        if (peer != null && device.backend() == Backend.CUDA) {
            return peer.ceilings();
        }
        if (device.backend() == Backend.CPU) {
            return Ceilings.hostCopy(profile == Catalog.Profile.QUICK ? 32L << 20 : 256L << 20);
        }
        return Ceilings.NONE;
    }

    private static Row skipped(Case c, String spec, String why) {
        BenchOp op = Catalog.op(c);
        return new Row(c, spec, op.bound(c), op.flops(c), op.bytes(c), Double.NaN, false, null, Row.Status.SKIP, why);
    }

    /** Writes the cases of the profile of --device (or the host profile) for a peer script, without running them. */
    private void writeCases() throws IOException {
        Catalog.Profile profile = options.profile(options.device() != null ? options.device() : "cpu");
        List<Object> cases = new ArrayList<>();
        for (Case c : options.cases(profile)) {
            cases.add(ResultTable.describe(c));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("profile", profile.name().toLowerCase(Locale.ROOT));
        root.put("cases", cases);
        Files.writeString(options.casesJson(), Json.write(root));
        out.println("panamax bench: wrote " + cases.size() + " cases (" + root.get("profile") + " profile) to " + options.casesJson());
    }
}
