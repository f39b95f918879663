package dev.panamax.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A peer's figures for the same cases, measured in the same run (benchmarks/python/torch_peer.py
 * writes them):
 * <pre>
 * {"peer": "PyTorch 2.5.1", "device": "NVIDIA H200",
 *  "ceilings": {"copy_bytes_per_s": 4.3e12, "bf16_matmul_flops_per_s": 7.9e14},
 *  "results": {"gemm BF16 M=8192 N=8192 K=8192": {"seconds": 0.0014, "note": "how"}, "...": {"error": "why"}}}
 * </pre>
 * Keys of "results" are {@link Case#id()}s.
 */
record Peer(String name, String device, Ceilings ceilings, Map<String, Double> seconds, Map<String, String> errors,
           Map<String, String> notes) {

    static Peer read(Path file) throws IOException {
        Object parsed = Json.parse(Files.readString(file));
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        Map<?, ?> c = root.get("ceilings") instanceof Map<?, ?> m ? m : Map.of();
        Ceilings ceilings = new Ceilings(number(c.get("copy_bytes_per_s")), number(c.get("bf16_matmul_flops_per_s")),
                String.valueOf(root.get("peer")));
        Map<String, Double> seconds = new HashMap<>();
        Map<String, String> errors = new HashMap<>();
        Map<String, String> notes = new HashMap<>();
        if (root.get("results") instanceof Map<?, ?> results) {
            for (Map.Entry<?, ?> e : results.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> r) {
                    if (r.get("seconds") instanceof Number n) {
                        seconds.put(String.valueOf(e.getKey()), n.doubleValue());
                    }
                    if (r.get("error") instanceof String s) {
                        errors.put(String.valueOf(e.getKey()), s);
                    }
                    if (r.get("note") instanceof String s && !s.isEmpty()) {
                        notes.put(String.valueOf(e.getKey()), s);
                    }
                }
            }
        }
        return new Peer(root.get("peer") instanceof String s ? s : "peer", String.valueOf(root.get("device")), ceilings,
                seconds, errors, notes);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The peer's seconds per call for {@code c}, NaN when it has none. */
    double secondsFor(Case c) {
        return seconds.getOrDefault(c.id(), Double.NaN);
    }
}
