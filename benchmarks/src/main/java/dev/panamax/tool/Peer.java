package dev.panamax.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A peer's figures for the same cases, measured in the same run, as a peer process writes them
 * (benchmarks/python/torch_peer.py for CUDA devices, {@link OpenBlasPeer} for the CPU GEMM):
 * <pre>
 * {"peer": "PyTorch 2.5.1", "label": "PyTorch", "device": "NVIDIA H200",
 *  "ceilings": {"copy_bytes_per_s": 4.3e12, "bf16_matmul_flops_per_s": 7.9e14},
 *  "results": {"gemm BF16 M=8192 N=8192 K=8192": {"seconds": 0.0014, "note": "how"}, "...": {"error": "why"}}}
 * </pre>
 * Keys of "results" are {@link Case#id()}s. "label" is what a row of the table shows in its peer
 * column (the first word of "peer" when absent). {@code {"peer": ..., "unavailable": "why"}}
 * says that the peer could not run here at all.
 */
record Peer(String name, String label, String device, Ceilings ceilings, Map<String, Double> seconds,
            Map<String, String> errors, Map<String, String> notes, String unavailable) {

    static Peer read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    static Peer parse(String json, String source) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        String name = root.get("peer") instanceof String s ? s : "peer";
        Map<?, ?> c = root.get("ceilings") instanceof Map<?, ?> m ? m : Map.of();
        Ceilings ceilings = new Ceilings(number(c.get("copy_bytes_per_s")), number(c.get("bf16_matmul_flops_per_s")),
                name);
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
        String label = root.get("label") instanceof String s ? s : firstWord(name);
        return new Peer(name, label, String.valueOf(root.get("device")), ceilings, seconds, errors, notes,
                root.get("unavailable") instanceof String s ? s : null);
    }

    private static String firstWord(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The peer's seconds per call for {@code c}, NaN when it has none. */
    double secondsFor(Case c) {
        return seconds.getOrDefault(c.id(), Double.NaN);
    }

    /** Whether the peer has a figure or a failure for {@code c}. */
    boolean has(Case c) {
        return seconds.containsKey(c.id()) || errors.containsKey(c.id());
    }
}
