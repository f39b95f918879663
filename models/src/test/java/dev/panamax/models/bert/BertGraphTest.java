package dev.panamax.models.bert;

import dev.panamax.models.MiniLm;
import dev.panamax.models.ModelFormatException;
import dev.panamax.models.onnx.OnnxGraph;
import dev.panamax.models.onnx.proto.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph of all-MiniLM-L6-v2 mapped onto the BERT structure, and graphs that must be refused. */
class BertGraphTest {
    private static Onnx.Model model;
    private static BertWeights weights;
    private static Onnx.Model quantized;
    private static BertWeights quantizedWeights;

    @BeforeAll
    static void load() throws Exception {
        ByteBuffer b = EncoderFiles.open(MiniLm.jar()).onnx();
        model = Onnx.Model.parseFrom(b.duplicate());
        weights = BertGraph.map(OnnxGraph.parse(b, "all-minilm-l6-v2.onnx"));
        ByteBuffer q = EncoderFiles.open(MiniLm.quantizedJar()).onnx();
        quantized = Onnx.Model.parseFrom(q.duplicate());
        quantizedWeights = BertGraph.map(OnnxGraph.parse(q, "all-minilm-l6-v2-q.onnx"));
    }

    @Test
    void mapsAllMiniLmL6V2() {
        assertEquals(384, weights.hidden());
        assertEquals(12, weights.heads());
        assertEquals(1536, weights.intermediate());
        assertEquals(6, weights.layers().size());
        assertEquals(512, weights.maxPositions());
        assertEquals(30522, weights.word().rows());
        assertEquals(1e-12f, weights.eps());
        assertEquals((float) (1 / Math.sqrt(32)), weights.attentionScale(), 1e-7f);
        assertFalse(weights.tanhGelu());
        BertWeights.Layer l0 = weights.layers().get(0);
        assertEquals(384, l0.query().rows());
        assertEquals(1536, l0.up().cols());
        // the query bias is the initializer the graph names so (names are checked only here)
        assertArrayEquals(floats("encoder.layer.0.attention.self.query.bias"), l0.queryBias());
        assertArrayEquals(floats("encoder.layer.5.output.LayerNorm.weight"), weights.layers().get(5).outputGamma());
    }

    @Test
    void followsTheGraphNotTheNames() {
        // every value and initializer renamed at random, initializers shuffled: the same weights
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        Map<String, String> names = new HashMap<>();
        List<String> inputs = model.getGraph().getInputList().stream().map(Onnx.ValueInfo::getName).toList();
        UnaryOperator<String> rename = n -> n.isEmpty() || inputs.contains(n) ? n
                : names.computeIfAbsent(n, k -> "v" + Long.toHexString(r.nextLong()));
        Onnx.Graph.Builder g = model.getGraph().toBuilder();
        for (Onnx.Node.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                n.setInput(i, rename.apply(n.getInput(i)));
            }
            for (int i = 0; i < n.getOutputCount(); i++) {
                n.setOutput(i, rename.apply(n.getOutput(i)));
            }
            n.setName(rename.apply(n.getName()));
        }
        List<Onnx.Tensor> inits = new ArrayList<>();
        for (Onnx.Tensor t : g.getInitializerList()) {
            inits.add(t.toBuilder().setName(rename.apply(t.getName())).build());
        }
        Collections.shuffle(inits, r);
        g.clearInitializer().addAllInitializer(inits);
        for (Onnx.ValueInfo.Builder o : g.getOutputBuilderList()) {
            o.setName(rename.apply(o.getName()));
        }
        BertWeights w = map(g);
        for (int i = 0; i < 6; i++) {
            BertWeights.Layer a = weights.layers().get(i);
            BertWeights.Layer b = w.layers().get(i);
            assertArrayEquals(a.query().data(), b.query().data(), "seed " + seed + " layer " + i + " query");
            assertArrayEquals(a.key().data(), b.key().data(), "seed " + seed + " layer " + i + " key");
            assertArrayEquals(a.value().data(), b.value().data(), "seed " + seed + " layer " + i + " value");
            assertArrayEquals(a.down().data(), b.down().data(), "seed " + seed + " layer " + i + " down");
            assertArrayEquals(a.attentionBeta(), b.attentionBeta(), "seed " + seed + " layer " + i);
        }
        assertArrayEquals(weights.position().data(), w.position().data());
        assertArrayEquals(weights.tokenType().data(), w.tokenType().data());
    }

    @Test
    void refusesQuantizedGraphsOfOtherForms() {
        // static (QDQ) quantization and fused INT8 ops: only ONNX Runtime's dynamic form is read
        Onnx.Graph.Builder g = model.getGraph().toBuilder();
        for (Onnx.Node.Builder n : g.getNodeBuilderList()) {
            if (n.getOpType().equals("MatMul")) {
                n.setOpType("QLinearMatMul");
                break;
            }
        }
        assertMessage(g, "QLinearMatMul");
        assertMessage(g, "quantized graph is not supported");
        // a MatMulInteger whose result is not scaled back: the walk stops and says where
        Onnx.Graph.Builder broken = quantized.getGraph().toBuilder();
        for (Onnx.Node.Builder n : broken.getNodeBuilderList()) {
            if (n.getOpType().equals("Cast") && n.getInput(0).contains("MatMul")) {
                n.setOpType("Identity");
                break;
            }
        }
        var e = assertThrows(ModelFormatException.class, () -> BertGraph.map(OnnxGraph.parse(
                quantized.toBuilder().setGraph(broken).build().toByteArray(), "test.onnx")));
        assertTrue(e.getMessage().contains("MatMulInteger"), e.getMessage());
    }

    @Test
    void mapsTheInt8ArtifactExactly() {
        // the -q graph: INT8 [in, out] weights with one scale and a zero point of 0 per output
        // column: kept bit for bit, transposed to [out, in]; UINT8 embedding tables dequantized
        assertTrue(quantizedWeights.int8Graph());
        assertFalse(weights.int8Graph());
        assertEquals(6, quantizedWeights.layers().size());
        assertEquals(12, quantizedWeights.heads());
        assertEquals(weights.eps(), quantizedWeights.eps());
        for (BertWeights.Layer l : quantizedWeights.layers()) {
            for (BertWeights.Matrix m : List.of(l.query(), l.key(), l.value(), l.output(), l.up(), l.down())) {
                assertTrue(m.int8() != null && m.data() == null);
                assertEquals((long) m.rows() * m.cols(), m.int8().values().length);
                assertEquals(m.cols(), m.int8().scales().length);
            }
        }
        // the first layer's query weight against the initializer it comes from, element by element,
        // and against the F32 model's weight: within half a quantization step of each column
        BertWeights.Matrix q = quantizedWeights.layers().get(0).query();
        BertWeights.Matrix f = weights.layers().get(0).query();
        Onnx.Tensor values = null;
        Onnx.Tensor scales = null;
        String name = null;
        for (Onnx.Node n : quantized.getGraph().getNodeList()) {
            if (n.getOpType().equals("MatMulInteger") && n.getName().contains("layer.0/attention/self/query")) {
                name = n.getInput(1);
            }
        }
        for (Onnx.Tensor t : quantized.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                values = t;
            }
            if (t.getName().equals(name.replace("_quantized", "_scale"))) {
                scales = t;
            }
        }
        OnnxGraph graph = OnnxGraph.parse(quantized.toByteArray(), "all-minilm-l6-v2-q.onnx");
        int[] raw = graph.bytes(values);
        float[] s = graph.floats(scales);
        assertArrayEquals(s, q.int8().scales());
        for (int k = 0; k < q.rows(); k++) {
            for (int n = 0; n < q.cols(); n++) {
                byte v = q.int8().values()[n * q.rows() + k];
                assertEquals(raw[k * q.cols() + n], v, "value (" + k + ", " + n + ")");
                float w = v * s[n];
                assertEquals(f.data()[k * f.cols() + n], w, 0.51f * s[n], "weight (" + k + ", " + n + ")");
            }
        }
        // the embeddings: 8-bit per table, so within a step of the F32 model's
        float[] word = quantizedWeights.word().data();
        float[] wordF32 = weights.word().data();
        double worst = 0;
        for (int i = 0; i < word.length; i++) {
            worst = Math.max(worst, Math.abs(word[i] - wordF32[i]));
        }
        assertTrue(worst > 0 && worst < 0.01, "word embeddings off the F32 model's by up to " + worst);
    }

    @Test
    void refusesOtherArchitectures() {
        // a decoder-style input name: no input_ids
        Onnx.Graph.Builder g = model.getGraph().toBuilder();
        g.getInputBuilder(0).setName("tokens");
        assertMessage(g, "no input_ids input");
        // ReLU instead of GELU
        Onnx.Graph.Builder relu = model.getGraph().toBuilder();
        for (Onnx.Node.Builder n : relu.getNodeBuilderList()) {
            if (n.getOpType().equals("Erf")) {
                n.setOpType("Relu");
            }
        }
        assertMessage(relu, "is not GELU");
        // no position embeddings (a rotary model, say)
        Onnx.Graph.Builder rotary = model.getGraph().toBuilder();
        for (Onnx.Node.Builder n : rotary.getNodeBuilderList()) {
            if (n.getOpType().equals("Gather") && n.getInput(0).equals("embeddings.position_embeddings.weight")) {
                n.setInput(0, "not_an_initializer");
            }
        }
        assertMessage(rotary, "no position embedding table");
        // not ONNX at all
        var e = assertThrows(ModelFormatException.class,
                () -> OnnxGraph.parse(new byte[] {1, 2, 3, 4, 5}, "junk.onnx"));
        assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
    }

    @Test
    void refusesExternalData() {
        Onnx.Graph.Builder g = model.getGraph().toBuilder();
        for (Onnx.Tensor.Builder t : g.getInitializerBuilderList()) {
            if (t.getName().equals("embeddings.word_embeddings.weight")) {
                t.clearRawData().setDataLocation(Onnx.Tensor.DataLocation.EXTERNAL)
                        .addExternalData(Onnx.StringEntry.newBuilder().setKey("location").setValue("weights.bin"));
            }
        }
        assertMessage(g, "external data is not supported");
    }

    private static void assertMessage(Onnx.Graph.Builder g, String expected) {
        var e = assertThrows(ModelFormatException.class, () -> map(g));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.onnx: "), e.getMessage());
    }

    private static BertWeights map(Onnx.Graph.Builder g) {
        byte[] bytes = model.toBuilder().setGraph(g).build().toByteArray();
        return BertGraph.map(OnnxGraph.parse(bytes, "test.onnx"));
    }

    private static float[] floats(String initializer) {
        for (Onnx.Tensor t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(initializer)) {
                float[] out = new float[t.getRawData().size() / 4];
                t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                return out;
            }
        }
        throw new AssertionError("no initializer " + initializer);
    }
}
