package dev.panamax.tool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The options of {@code panamax bench}. */
record BenchOptions(String device, List<String> ops, boolean quick, long seed, Path json, Path peerJson,
                    Path casesJson, double deadlineSeconds, boolean openblas) {

    static final String USAGE = """
            usage: panamax bench [--device SPEC] [--op NAME[,NAME...]] [--quick] [--seed N]
                                 [--json FILE] [--peer-json FILE] [--cases-json FILE] [--deadline SECONDS]
                                 [--no-openblas]
              --device SPEC      one device (cpu, opencl:0, cuda:0); default: every available device
              --op NAMES         only these ops: %s
              --quick            small shapes (a whole run in well under a minute on 2 cores); every
                                 profile warms each case up until its time per call is steady
              --seed N           the seed of the random inputs (printed by every run)
              --json FILE        also write the results as JSON
              --peer-json FILE   join a peer's figures for the same cases (benchmarks/python/torch_peer.py)
              --cases-json FILE  write the cases that would run (ops, shapes, FLOPs, bytes) and exit
              --deadline SEC     skip the cases that would start after SEC seconds (reported as SKIP)
              --no-openblas      no OpenBLAS peer beside the cpu's F32 gemm rows (by default it runs in a
                                 JVM of its own without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, so that
                                 OpenBLAS picks its best kernel for this CPU; each peer cell names it)
            """.formatted(String.join(", ", Catalog.OPS.keySet()));

    static BenchOptions parse(String[] args) {
        String device = null;
        List<String> ops = new ArrayList<>();
        boolean quick = false;
        long seed = new SplittableRandom().nextLong();
        Path json = null, peer = null, cases = null;
        double deadline = Double.POSITIVE_INFINITY;
        boolean openblas = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--device" -> device = value(args, ++i, a);
                case "--op" -> {
                    for (String name : value(args, ++i, a).split(",")) {
                        String n = name.trim();
                        if (!Catalog.OPS.containsKey(n)) {
                            throw new IllegalArgumentException("unknown op '" + n + "'; ops: " + String.join(", ", Catalog.OPS.keySet()));
                        }
                        ops.add(n);
                    }
                }
                case "--quick" -> quick = true;
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--json" -> json = Path.of(value(args, ++i, a));
                case "--peer-json" -> peer = Path.of(value(args, ++i, a));
                case "--cases-json" -> cases = Path.of(value(args, ++i, a));
                case "--deadline" -> deadline = Double.parseDouble(value(args, ++i, a));
                case "--no-openblas" -> openblas = false;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return new BenchOptions(device, List.copyOf(ops), quick, seed, json, peer, cases, deadline, openblas);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** The profile for a device spec ({@link Catalog.Profile#of}). */
    Catalog.Profile profile(String spec) {
        return Catalog.Profile.of(spec, quick);
    }

    /** The cases of {@code profile} that pass the --op filter. */
    List<Case> cases(Catalog.Profile profile) {
        return Catalog.cases(profile).stream().filter(c -> ops.isEmpty() || ops.contains(c.op())).toList();
    }
}
