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
 */
public final class BertGraph {
    private static final Set<String> QUANTIZED_OPS = Set.of("MatMulInteger", "DynamicQuantizeLinear",
            "QuantizeLinear", "DequantizeLinear", "QLinearMatMul", "ConvInteger", "QLinearConv", "MatMulNBits",
            "QAttention", "DynamicQuantizeMatMul", "QGemm");
    /** Ops that only move or relabel data between the projections and the attention MatMuls. */
    private static final Set<String> LAYOUT_OPS = Set.of("Reshape", "Transpose", "Identity", "Cast", "Dropout");
    private static final Set<String> GELU_OPS = Set.of("Div", "Mul", "Erf", "Add", "Pow", "Tanh", "Gelu", "Sqrt",
            "FastGelu", "BiasGelu", "Identity", "Cast");

    private final OnnxGraph g;
    private final String src;
    private float eps = Float.NaN;

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
        BertWeights.Matrix word = matrix(wordGather.getInput(0));
        BertWeights.Matrix tokenType = null;
        Onnx.Node typeGather = inputs.contains("token_type_ids") ? tableGather("token_type_ids") : null;
        if (typeGather != null) {
            tokenType = matrix(typeGather.getInput(0));
        }
        // word + token type + position, in any order of the Adds
        String cur = wordGather.getOutput(0);
        BertWeights.Matrix position = null;
        while (true) {
            Onnx.Node add = consumer(cur, "Add");
            if (add == null) {
                break;
            }
            String other = otherInput(add, cur);
            Onnx.Node p = g.producer(other);
            if (p != null && p == typeGather) {
                cur = add.getOutput(0);
                continue;
            }
            if (p != null && p.getOpType().equals("Gather") && g.isInitializer(p.getInput(0))
                    && !p.getInput(1).equals("input_ids") && position == null) {
                position = matrix(p.getInput(0));
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
            String x = h;
            List<Onnx.Node> projections = g.consumers(x).stream()
                    .filter(n -> n.getOpType().equals("MatMul") && n.getInput(0).equals(x) && isMatrix(n.getInput(1)))
                    .toList();
            if (projections.isEmpty() && outputs.contains(h)) {
                break;
            }
            String where = "layer " + layers.size();
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
            Onnx.Node upMm = g.consumers(n1.out).stream()
                    .filter(n -> n.getOpType().equals("MatMul") && n.getInput(0).equals(n1.out) && isMatrix(n.getInput(1)))
                    .findFirst().orElseThrow(() -> fail(where + ": no feed-forward MatMul reads " + n1.out));
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
                embNorm.gamma, embNorm.beta, List.copyOf(layers));
    }

    private void refuseQuantized() {
        for (Onnx.Node n : g.nodes()) {
            if (QUANTIZED_OPS.contains(n.getOpType())) {
                throw fail("INT8 models are not supported yet: the graph is quantized (" + n.getOpType()
                        + " node " + n.getName() + "); use the F32 model, or load it with DType.F16/BF16");
            }
        }
        for (Onnx.Tensor t : g.initializers()) {
            int type = t.getDataType();
            if ((type == Onnx.Tensor.DataType.INT8_VALUE || type == Onnx.Tensor.DataType.UINT8_VALUE)
                    && t.getDimsCount() >= 2) {
                throw fail("INT8 models are not supported yet: weight " + t.getName() + " is "
                        + OnnxGraph.typeName(type));
            }
        }
    }

    private record Linear(BertWeights.Matrix w, float[] b, String out) {
    }

    private record Norm(float[] gamma, float[] beta, String out) {
    }

    private record Attention(Linear q, Linear k, Linear v, int heads, float scale, String context) {
    }

    private record Gelu(boolean tanh, Onnx.Node downMatMul) {
    }

    /** MatMul(x, W) followed by Add(bias) (either operand order). */
    private Linear linear(Onnx.Node matmul, String where) {
        BertWeights.Matrix w = matrix(matmul.getInput(1));
        String y = matmul.getOutput(0);
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
            for (Onnx.Node n : g.consumers(cur)) {
                if (n.getOpType().equals("MatMul") && n.getInput(0).equals(cur) && isMatrix(n.getInput(1))) {
                    return linear(n, where);
                }
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

    private Attention attention(List<Onnx.Node> projections, String where, int hidden) {
        record Entry(Linear lin, Onnx.Node matmul, int slot, Onnx.Node reshape) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Onnx.Node p : projections) {
            Linear lin = linear(p, where + " attention projection");
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
        Onnx.Node down = null;
        boolean erf = false;
        boolean tanh = false;
        while (!todo.isEmpty()) {
            String v = todo.poll();
            for (Onnx.Node n : g.consumers(v)) {
                String op = n.getOpType();
                if (op.equals("MatMul") && isMatrix(n.getInput(1)) && !g.isInitializer(n.getInput(0))) {
                    if (down != null && down != n) {
                        throw fail(where + ": the feed-forward activation feeds two MatMuls");
                    }
                    down = n;
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
