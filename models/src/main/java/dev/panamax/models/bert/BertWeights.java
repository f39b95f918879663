package dev.panamax.models.bert;

import java.util.List;

/**
 * The weights of a BERT encoder as read from its graph, on the host, in F32 (or, for the
 * projections of an INT8-quantized graph, INT8 with a scale per output: {@link Int8}). Matrices are
 * in the layout of ONNX's {@code MatMul(x, W)}: W is [in, out], so a projection is
 * {@code x @ W + b}.
 *
 * @param heads          attention heads; the head size is hidden / heads
 * @param eps            the LayerNorm epsilon (the same for every LayerNorm of the graph)
 * @param attentionScale what the scores q·k are multiplied by before the softmax (1/sqrt(D))
 * @param tanhGelu       the feed-forward activation is GELU's tanh approximation, not the erf
 * @param tokenType      [types, hidden], or null when the graph has no token_type_ids input
 * @param int8Graph      the graph's projections are INT8 (MatMulInteger): the encoder keeps them INT8
 *                       (those that are not {@link Int8} already are quantized again at load)
 */
public record BertWeights(int hidden, int heads, int intermediate, float eps, float attentionScale, boolean tanhGelu,
        Matrix word, Matrix position, Matrix tokenType, float[] embeddingGamma, float[] embeddingBeta,
        List<Layer> layers, boolean int8Graph) {

    /** The weights of a float graph. */
    public BertWeights(int hidden, int heads, int intermediate, float eps, float attentionScale, boolean tanhGelu,
            Matrix word, Matrix position, Matrix tokenType, float[] embeddingGamma, float[] embeddingBeta,
            List<Layer> layers) {
        this(hidden, heads, intermediate, eps, attentionScale, tanhGelu, word, position, tokenType, embeddingGamma,
                embeddingBeta, layers, false);
    }

    /**
     * A row-major [rows, cols] matrix: F32 data, or (a weight of an INT8-quantized graph whose
     * scheme is ours) {@code int8} with data null.
     */
    public record Matrix(float[] data, int rows, int cols, Int8 int8) {
        public Matrix(float[] data, int rows, int cols) {
            this(data, rows, cols, null);
        }
    }

    /**
     * A projection weight [in, out] = [rows, cols] held as symmetric INT8 in {@code nn.Linear}
     * layout: values [cols, rows] row-major (row n is output n), scales [cols]; the weight's element
     * (k, n) is values[n · rows + k] · scales[n].
     */
    public record Int8(byte[] values, float[] scales) {
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
