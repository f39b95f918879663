package dev.panamax.models.hf;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The buffers of one forward pass over {@code tokens} positions, allocated once and reused by every
 * decode step: the I32 inputs (ids, positions, the cache start and the key count: views of one
 * buffer, uploaded at once), the activations and the F32 logits [1, V]. heads [Hq + 2 Hkv, S, D]
 * and merged [S, Hq, D] receive the layout changes of a prompt pass (S &gt; 1). gateUp [2, S, F] holds the MLP's gate and up projections, gate and up are views of
 * its halves; when S = 1 it is also the [1, 2F] result of the one product with the stacked weights.
 */
record Work(int tokens, Tensor inputs, Tensor ids, Tensor positions, Tensor starts, Tensor lengths, Tensor residual,
            Tensor x, Tensor y, Tensor qkv, Tensor heads, Tensor attended, Tensor merged, Tensor gateUp, Tensor gate, Tensor up, Tensor logits, Tensor router) implements AutoCloseable {

    static Work allocate(Device device, DType dtype, int s, LlamaConfig c, int qkvHeads) {
        List<Tensor> made = new ArrayList<>();
        try {
            long h = c.hiddenSize();
            long d = c.headDim();
            long f = c.intermediateSize();
            Tensor gateUp = add(made, device.zeros(dtype, 2, s, f));
            Tensor inputs = add(made, device.zeros(DType.I32, 2L * s + 2));
            return new Work(s, inputs,
                    add(made, inputs.slice(0, s)), add(made, inputs.slice(s, 2L * s)),
                    add(made, inputs.slice(2L * s, 2L * s + 1)), add(made, inputs.slice(2L * s + 1, 2L * s + 2)),
                    add(made, device.zeros(dtype, s, h)), add(made, device.zeros(dtype, s, h)),
                    add(made, device.zeros(dtype, s, h)), add(made, device.zeros(dtype, s, qkvHeads * d)),
                    add(made, device.zeros(dtype, qkvHeads, s, d)), add(made, device.zeros(dtype, 1, c.heads(), s, d)),
                    add(made, device.zeros(dtype, s, c.heads(), d)), gateUp,
                    add(made, half(gateUp, 0, s, f)), add(made, half(gateUp, 1, s, f)),
                    add(made, device.zeros(DType.F32, 1, c.vocabSize())),
                    add(made, device.zeros(dtype, s, Math.max(1, c.experts()))));
        } catch (RuntimeException e) {
            LlamaModel.closeAll(made);
            throw e;
        }
    }

    /** Half i of [2, S, F] as a view [S, F]. */
    private static Tensor half(Tensor gateUp, int i, long s, long f) {
        try (Tensor slice = gateUp.slice(i, i + 1)) {
            return slice.reshape(s, f);
        }
    }

    private static Tensor add(List<Tensor> made, Tensor t) {
        made.add(t);
        return t;
    }

    @Override
    public void close() {
        LlamaModel.closeAll(new ArrayList<>(List.of(inputs, ids, positions, starts, lengths, residual, x, y, qkv, heads, attended, merged, gateUp, gate, up, logits, router)));
    }
}
