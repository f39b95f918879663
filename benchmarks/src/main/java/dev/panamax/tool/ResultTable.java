package dev.panamax.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's one table: op, device, shape, dtype, median time per call, rate (FLOP/s for
 * compute-bound ops, bytes/s for memory-bound ones), relative error and verdict; with peers, the
 * peer that ran the case (the OpenBLAS rows name its kernel), its time and our speed as a
 * multiple of its; with ceilings, the rate as a fraction of the measured copy bandwidth or bf16
 * matmul rate. A rate whose warm-up never became steady is marked with '~'. Notes follow it.
 */
final class ResultTable {
    private final List<Row> rows;
    private final Map<String, Ceilings> ceilings;
    private final Map<String, Peer> devicePeers;
    private final Peer peer;

    /**
     * @param devicePeers a peer per device spec (the OpenBLAS peer on cpu), asked first for that device's rows
     * @param peer        a peer for the rows of every device ({@code --peer-json}), or null
     */
    ResultTable(List<Row> rows, Map<String, Ceilings> ceilings, Map<String, Peer> devicePeers, Peer peer) {
        this.rows = rows;
        this.ceilings = ceilings;
        this.devicePeers = devicePeers;
        this.peer = peer;
    }

    /** The peer for a row: its device's when that one has the case, else the run's, else null. */
    private Peer peerFor(Row r) {
        Peer own = devicePeers.get(r.device());
        return own != null && own.has(r.c()) ? own : peer;
    }

    String render() {
        boolean showCeiling = rows.stream().anyMatch(r -> Double.isFinite(ceiling(r).of(r)));
        boolean showPeer = peer != null || !devicePeers.isEmpty();
        List<String> columns = new ArrayList<>(List.of("op", "device", "shape", "dtype", ">time", ">rate"));
        if (showPeer) {
            columns.addAll(List.of("peer", ">peer time", ">x peer"));
        }
        if (showCeiling) {
            columns.add(">of ceiling");
        }
        columns.addAll(List.of(">error", "check"));
        Table table = new Table(columns.toArray(String[]::new));
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.c().op(), r.device(), r.c().shape(), r.c().types(),
                    Units.seconds(r.seconds()), (r.steady() || r.status() != Row.Status.OK ? "" : "~")
                            + Units.rate(r.rate(), r.bound())));
            if (showPeer) {
                Peer p = peerFor(r);
                double theirs = p == null ? Double.NaN : p.secondsFor(r.c());
                cells.add(p == null ? "-" : p.label());
                cells.add(Units.seconds(theirs));
                cells.add(Units.ratio(theirs / r.seconds()));
                if (p != null) {
                    String why = p.errors().get(r.c().id());
                    if (why != null) {
                        notes.add(r.c().id() + " on " + p.label() + ": FAIL: " + why);
                    }
                    String how = p.notes().get(r.c().id());
                    if (how != null) {
                        notes.add(r.c().id() + " on " + p.label() + ": " + how);
                    }
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
        s.append("time: median per call, after warm-up to a steady time (~: never steady, see the notes); rate: FLOP/s\n")
                .append("(gemm, matmul, attention) or minimum bytes moved per second (the rest, and products of at most ")
                .append(GemmBench.FEW_ROWS).append(" rows);\n")
                .append("error: relative error of a sample against the float64 reference (0 = exact where exactness is required)\n");
        if (showPeer) {
            s.append("x peer: peer time / our time (above 1: ours is faster)\n");
            devicePeers.forEach((spec, p) -> s.append("peer on ").append(spec).append(": ").append(p.name()).append('\n'));
            if (peer != null) {
                s.append("peer: ").append(peer.name()).append(" on ").append(peer.device()).append('\n');
            }
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

    /** The rows as JSON: each case's description, device, figures, peer and check. */
    Map<String, Object> json(long seed) {
        List<Object> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = describe(r.c());
            m.put("device", r.device());
            m.put("seconds", r.seconds());
            m.put("steady", r.steady());
            m.put("rate", r.rate());
            Peer p = peerFor(r);
            if (p != null && p.has(r.c())) {
                m.put("peer", p.label());
                m.put("peer_seconds", p.secondsFor(r.c()));
            }
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
