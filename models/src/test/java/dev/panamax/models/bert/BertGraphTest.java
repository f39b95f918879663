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

    @BeforeAll
    static void load() throws Exception {
        ByteBuffer b = EncoderFiles.open(MiniLm.jar()).onnx();
        model = Onnx.Model.parseFrom(b.duplicate());
        weights = BertGraph.map(OnnxGraph.parse(b, "all-minilm-l6-v2.onnx"));
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
    void refusesInt8Graphs() {
        Onnx.Graph.Builder g = model.getGraph().toBuilder();
        for (Onnx.Node.Builder n : g.getNodeBuilderList()) {
            if (n.getOpType().equals("MatMul")) {
                n.setOpType("MatMulInteger");
                break;
            }
        }
        g.addNode(Onnx.Node.newBuilder().setOpType("DynamicQuantizeLinear").setName("q").addInput("x").addOutput("y"));
        assertMessage(g, "INT8 models are not supported yet");
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
