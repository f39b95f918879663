package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * MoE router: {@code topKGating(logits [T, E], k, renormalize = true)}, logits uniform in
 * [-4, 4). Memory-bound: minimum bytes T·E·sizeof(dtype) + T·k·(4 + 4) (logits read once,
 * F32 weights and I32 experts written once). Checked on 64 random tokens with
 * {@link Reference64#topKGating}: weights within the softmax tolerance, experts exactly.
 */
final class GatingBench implements BenchOp {
    private static final int SAMPLE_TOKENS = 64;

    @Override
    public List<String> times() {
        return List.of("Ops.topKGating");
    }

    @Override
    public double bytes(Case c) {
        long t = c.dim("T");
        return (double) t * c.dim("E") * c.dtype().byteSize() + 8.0 * t * c.dim("k");
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long tokens = c.dim("T");
        int experts = c.intDim("E"), k = c.intDim("k");
        float[] logits = Samples.input(data, c.dtype(), tokens * experts, -4, 4);
        Tensor tl = Data.tensor(device, c.dtype(), logits, tokens, experts);
        return new Prepared() {
            private Routing routing;

            @Override
            public void run() {
                if (routing != null) {
                    routing.close();
                    routing = null;
                }
                routing = Ops.topKGating(tl, k, true);
            }

            @Override
            public Verdict check() {
                long[] picked = Samples.indices(data, tokens, SAMPLE_TOKENS);
                Reference64.Selection ref = Reference64.topKGating(Samples.gatherRows(logits, picked, experts),
                        picked.length, experts, k, true);
                float[] weights = Samples.gatherRows(routing.weights().toFloatArray(), picked, k);
                int[] got = Samples.gatherRows(routing.experts().toIntArray(), picked, k);
                return Verdict.of(Reference64.relativeError(weights, ref.values()), Tolerances.softmax(c.dtype()))
                        .with(Samples.firstIndexMismatch("experts", got, ref.indices(), picked, k));
            }

            @Override
            public void close() {
                try {
                    if (routing != null) {
                        routing.close();
                    }
                } finally {
                    tl.close();
                }
            }
        };
    }
}
