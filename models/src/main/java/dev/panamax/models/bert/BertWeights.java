package dev.panamax.models.bert;

import java.util.List;

/**
 * The weights of a BERT encoder as read from its graph, on the host, in F32. Matrices are in the
 * layout of ONNX's {@code MatMul(x, W)}: W is [in, out], so a projection is {@code x @ W + b}.
 *
 * @param heads          attention heads; the head size is hidden / heads
 * @param eps            the LayerNorm epsilon (the same for every LayerNorm of the graph)
 * @param attentionScale what the scores q·k are multiplied by before the softmax (1/sqrt(D))
 * @param tanhGelu       the feed-forward activation is GELU's tanh approximation, not the erf
 * @param tokenType      [types, hidden], or null when the graph has no token_type_ids input
 */
public record BertWeights(int hidden, int heads, int intermediate, float eps, float attentionScale, boolean tanhGelu,
        Matrix word, Matrix position, Matrix tokenType, float[] embeddingGamma, float[] embeddingBeta,
        List<Layer> layers) {

    /** A row-major [rows, cols] matrix. */
    public record Matrix(float[] data, int rows, int cols) {
    }

    /** One encoder layer: self-attention, then the GELU feed-forward, each with add and LayerNorm. */
    public record Layer(Matrix query, float[] queryBias, Matrix key, float[] keyBias, Matrix value, float[] valueBias,
            Matrix output, float[] outputBias, float[] attentionGamma, float[] attentionBeta,
            Matrix up, float[] upBias, Matrix down, float[] downBias, float[] outputGamma, float[] outputBeta) {
    }

    public int maxPositions() {
        return position.rows();
    }
}
