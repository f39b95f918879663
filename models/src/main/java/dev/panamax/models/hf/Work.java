package dev.panamax.models.hf;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The buffers of one forward pass over {@code tokens} positions: the I32 inputs (ids, positions,
 * the cache start and the key count) and the activations, allocated once and reused by every
 * decode step.
 */
record Work(int tokens, Tensor ids, Tensor positions, Tensor starts, Tensor lengths, Tensor residual, Tensor x, Tensor y,
            Tensor qkv, Tensor attended, Tensor gate, Tensor up) implements AutoCloseable {

    static Work allocate(Device device, DType dtype, int s, LlamaConfig c, int qkvHeads) {
        List<Tensor> made = new ArrayList<>();
        try {
            long h = c.hiddenSize();
            long d = c.headDim();
            long f = c.intermediateSize();
            return new Work(s,
                    add(made, device.zeros(DType.I32, s)), add(made, device.zeros(DType.I32, s)),
                    add(made, device.zeros(DType.I32, 1)), add(made, device.zeros(DType.I32, 1)),
                    add(made, device.zeros(dtype, s, h)), add(made, device.zeros(dtype, s, h)),
                    add(made, device.zeros(dtype, s, h)), add(made, device.zeros(dtype, s, qkvHeads * d)),
                    add(made, device.zeros(dtype, 1, c.heads(), s, d)), add(made, device.zeros(dtype, s, f)),
                    add(made, device.zeros(dtype, s, f)));
        } catch (RuntimeException e) {
            LlamaModel.closeAll(made);
            throw e;
        }
    }

    private static Tensor add(List<Tensor> made, Tensor t) {
        made.add(t);
        return t;
    }

    @Override
    public void close() {
        LlamaModel.closeAll(new ArrayList<>(List.of(ids, positions, starts, lengths, residual, x, y, qkv, attended, gate, up)));
    }
}
