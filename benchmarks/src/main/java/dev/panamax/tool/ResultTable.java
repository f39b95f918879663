package dev.panamax.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's one table: op, device, shape, dtype, median time per call, rate (FLOP/s for
 * compute-bound ops, bytes/s for memory-bound ones), relative error and verdict; with a peer,
 * the peer's time and our speed as a multiple of the peer's; with ceilings, the rate as a
 * fraction of the measured copy bandwidth or bf16 matmul rate. Notes on failures follow it.
 */
final class ResultTable {
    private final List<Row> rows;
    private final Map<String, Ceilings> ceilings;
    private final Peer peer;

    ResultTable(List<Row> rows, Map<String, Ceilings> ceilings, Peer peer) {
        this.rows = rows;
        this.ceilings = ceilings;
        this.peer = peer;
    }

    String render() {
        boolean showCeiling = rows.stream().anyMatch(r -> Double.isFinite(ceiling(r).of(r)));
        List<String> columns = new ArrayList<>(List.of("op", "device", "shape", "dtype", ">time", ">rate"));
        if (peer != null) {
            columns.addAll(List.of(">" + shortName(peer.name()), ">x peer"));
        }
        if (showCeiling) {
            columns.add(">of ceiling");
        }
        columns.addAll(List.of(">error", "check"));
        Table table = new Table(columns.toArray(String[]::new));
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.c().op(), r.device(), r.c().shape(), r.c().types(),
                    Units.seconds(r.seconds()), Units.rate(r.rate(), r.bound())));
            if (peer != null) {
                double theirs = peer.secondsFor(r.c());
                cells.add(Units.seconds(theirs));
                cells.add(Units.ratio(theirs / r.seconds()));
                String why = peer.errors().get(r.c().id());
                if (why != null) {
                    notes.add(r.c().id() + " on " + shortName(peer.name()) + ": FAIL: " + why);
                }
                String how = peer.notes().get(r.c().id());
                if (how != null) {
                    notes.add(r.c().id() + " on " + shortName(peer.name()) + ": " + how);
                }
            }
            if (showCeiling) {
                cells.add(ceiling(r).describe(r));
            }
            cells.add(r.verdict() == null ? "-" : Units.error(r.verdict().error()));
            cells.add(r.status().name());
            table.add(cells);
            if (r.note() != null) {
                notes.add(r.c().id() + " on " + r.device() + ": " + r.status() + ": " + r.note());
            }
        }
        StringBuilder s = new StringBuilder(table.render());
        s.append("time: median per call; rate: FLOP/s (gemm, matmul, attention) or minimum bytes moved per second (the rest);\n")
                .append("error: relative error of a sample against the float64 reference (0 = exact where exactness is required)\n");
        if (peer != null) {
            s.append("x peer: ").append(shortName(peer.name())).append(" time / our time (above 1: ours is faster); peer: ")
                    .append(peer.name()).append(" on ").append(peer.device()).append('\n');
        }
        ceilings.forEach((spec, c) -> {
            if (c.source() != null) {
                s.append("ceiling on ").append(spec).append(": ");
                if (Double.isFinite(c.copyBytesPerSecond())) {
                    s.append("copy ").append(Units.rate(c.copyBytesPerSecond(), Bound.MEMORY));
                }
                if (Double.isFinite(c.matmulFlopsPerSecond())) {
                    s.append(", bf16 matmul ").append(Units.rate(c.matmulFlopsPerSecond(), Bound.COMPUTE));
                }
                s.append(" (").append(c.source()).append(")\n");
            }
        });
        if (!notes.isEmpty()) {
            s.append("\nnotes:\n");
            notes.forEach(n -> s.append("  ").append(n).append('\n'));
        }
        return s.toString();
    }

    private Ceilings ceiling(Row r) {
        return ceilings.getOrDefault(r.device(), Ceilings.NONE);
    }

    private static String shortName(String peerName) {
        int space = peerName.indexOf(' ');
        return space < 0 ? peerName : peerName.substring(0, space);
    }

    /** A case as the peer script reads it: id, op, dtypes, dimensions, FLOPs, bytes, bound. */
    static Map<String, Object> describe(Case c) {
        BenchOp op = Catalog.op(c);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("op", c.op());
        m.put("dtype", c.dtype().name());
        m.put("out", c.out().name());
        m.put("dims", new LinkedHashMap<>(c.dims()));
        m.put("flops", op.flops(c));
        m.put("bytes", op.bytes(c));
        m.put("bound", op.bound(c).name().toLowerCase(Locale.ROOT));
        return m;
    }

    static Map<String, Object> json(List<Row> rows, long seed) {
        List<Object> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = describe(r.c());
            m.put("device", r.device());
            m.put("seconds", r.seconds());
            m.put("rate", r.rate());
            m.put("error", r.verdict() == null ? null : r.verdict().error());
            m.put("tolerance", r.verdict() == null ? null : r.verdict().tolerance());
            m.put("status", r.status().name());
            m.put("note", r.note());
            results.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("seed", seed);
        root.put("results", results);
        return root;
    }
}
