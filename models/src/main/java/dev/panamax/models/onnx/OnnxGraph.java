package dev.panamax.models.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.panamax.models.ModelFormatException;
import dev.panamax.models.onnx.proto.Onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph read with protobuf, indexed for walking it: which node produces a value, which
 * nodes consume it, the initializers and {@code Constant} nodes by name. Tensors come out as F32,
 * int64 or (INT8, UINT8) int arrays; data stored outside the file (external data) is refused.
 */
public final class OnnxGraph {
    private final String source;
    private final Onnx.Graph graph;
    private final Map<String, Onnx.Node> producers = new HashMap<>();
    private final Map<String, List<Onnx.Node>> consumers = new HashMap<>();
    private final Map<String, Onnx.Tensor> initializers = new HashMap<>();

    private OnnxGraph(String source, Onnx.Graph graph) {
        this.source = source;
        this.graph = graph;
        for (Onnx.Tensor t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (Onnx.Node n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /**
     * Parses a serialized ModelProto. The bytes are aliased (initializer data is not copied), so
     * the caller must not change them while the graph is in use.
     */
    public static OnnxGraph parse(byte[] bytes, String source) {
        return parse(CodedInputStream.newInstance(bytes), source);
    }

    /** As {@link #parse(byte[], String)}, from a buffer such as a mapped file. */
    public static OnnxGraph parse(ByteBuffer bytes, String source) {
        return parse(CodedInputStream.newInstance(bytes), source);
    }

    private static OnnxGraph parse(CodedInputStream in, String source) {
        in.enableAliasing(true);
        in.setRecursionLimit(200);
        Onnx.Model model;
        try {
            model = Onnx.Model.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(source + ": not an ONNX model (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot be read: " + e.getMessage(), e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ModelFormatException(source + ": not an ONNX model (no graph)");
        }
        return new OnnxGraph(source, model.getGraph());
    }

    public String source() {
        return source;
    }

    public List<Onnx.Node> nodes() {
        return graph.getNodeList();
    }

    public List<String> inputNames() {
        return graph.getInputList().stream().map(Onnx.ValueInfo::getName).toList();
    }

    public List<String> outputNames() {
        return graph.getOutputList().stream().map(Onnx.ValueInfo::getName).toList();
    }

    public Iterable<Onnx.Tensor> initializers() {
        return graph.getInitializerList();
    }

    /** The node that produces a value, or null for a graph input or an initializer. */
    public Onnx.Node producer(String value) {
        return producers.get(value);
    }

    /** The nodes that read a value (empty when none). */
    public List<Onnx.Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The initializer of that name, or null. */
    public Onnx.Tensor initializer(String name) {
        return initializers.get(name);
    }

    public boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    /** The constant tensor behind a value (an initializer or a {@code Constant} node), or null. */
    public Onnx.Tensor constant(String value) {
        Onnx.Tensor t = initializers.get(value);
        if (t != null) {
            return t;
        }
        Onnx.Node n = producers.get(value);
        if (n != null && n.getOpType().equals("Constant")) {
            for (Onnx.Attribute a : n.getAttributeList()) {
                if (a.getName().equals("value") && a.hasT()) {
                    return a.getT();
                }
            }
        }
        return null;
    }

    /** A constant value with exactly one element, as a double; NaN when it is not one. */
    public double scalar(String value) {
        Onnx.Tensor t = constant(value);
        if (t == null || elementCount(t) != 1) {
            return Double.NaN;
        }
        int type = t.getDataType();
        if (type == Onnx.Tensor.DataType.INT64_VALUE || type == Onnx.Tensor.DataType.INT32_VALUE) {
            return longs(t)[0];
        }
        return floats(t)[0];
    }

    public static long elementCount(Onnx.Tensor t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    public static long[] shape(Onnx.Tensor t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The elements of a FLOAT, FLOAT16, BFLOAT16 or DOUBLE tensor as floats. */
    public float[] floats(Onnx.Tensor t) {
        refuseExternal(t);
        int n = Math.toIntExact(elementCount(t));
        float[] out = new float[n];
        int type = t.getDataType();
        ByteString raw = t.getRawData();
        boolean hasRaw = t.hasRawData();
        switch (type) {
            case Onnx.Tensor.DataType.FLOAT_VALUE -> {
                if (hasRaw) {
                    checkBytes(t, raw, 4L * n);
                    raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                } else {
                    checkCount(t, t.getFloatDataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = t.getFloatData(i);
                    }
                }
            }
            case Onnx.Tensor.DataType.DOUBLE_VALUE -> {
                if (hasRaw) {
                    checkBytes(t, raw, 8L * n);
                    var b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) b.get(i);
                    }
                } else {
                    checkCount(t, t.getDoubleDataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) t.getDoubleData(i);
                    }
                }
            }
            case Onnx.Tensor.DataType.FLOAT16_VALUE, Onnx.Tensor.DataType.BFLOAT16_VALUE -> {
                boolean half = type == Onnx.Tensor.DataType.FLOAT16_VALUE;
                if (hasRaw) {
                    checkBytes(t, raw, 2L * n);
                    var b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        out[i] = widen(b.get(i), half);
                    }
                } else {
                    // int32_data holds the 16-bit patterns, one per element
                    checkCount(t, t.getInt32DataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = widen((short) t.getInt32Data(i), half);
                    }
                }
            }
            default -> throw new ModelFormatException(source + ": tensor " + t.getName() + " has element type "
                    + typeName(type) + "; a float type was expected");
        }
        return out;
    }

    /** The elements of an INT64 or INT32 tensor. */
    public long[] longs(Onnx.Tensor t) {
        refuseExternal(t);
        int n = Math.toIntExact(elementCount(t));
        long[] out = new long[n];
        int type = t.getDataType();
        if (type == Onnx.Tensor.DataType.INT64_VALUE) {
            if (t.hasRawData()) {
                checkBytes(t, t.getRawData(), 8L * n);
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            } else {
                checkCount(t, t.getInt64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
        } else if (type == Onnx.Tensor.DataType.INT32_VALUE) {
            if (t.hasRawData()) {
                checkBytes(t, t.getRawData(), 4L * n);
                var b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i);
                }
            } else {
                checkCount(t, t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
        } else {
            throw new ModelFormatException(source + ": tensor " + t.getName() + " has element type "
                    + typeName(type) + "; an integer type was expected");
        }
        return out;
    }

    /**
     * The elements of an INT8 or UINT8 tensor as ints (signed for INT8, 0 .. 255 for UINT8), from
     * raw_data or from int32_data (one element per entry), as ONNX stores them.
     */
    public int[] bytes(Onnx.Tensor t) {
        refuseExternal(t);
        int n = Math.toIntExact(elementCount(t));
        int type = t.getDataType();
        boolean signed = type == Onnx.Tensor.DataType.INT8_VALUE;
        if (!signed && type != Onnx.Tensor.DataType.UINT8_VALUE) {
            throw new ModelFormatException(source + ": tensor " + t.getName() + " has element type "
                    + typeName(type) + "; INT8 or UINT8 was expected");
        }
        int[] out = new int[n];
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            checkBytes(t, raw, n);
            for (int i = 0; i < n; i++) {
                byte b = raw.byteAt(i);
                out[i] = signed ? b : b & 0xFF;
            }
        } else {
            checkCount(t, t.getInt32DataCount(), n);
            for (int i = 0; i < n; i++) {
                int v = t.getInt32Data(i);
                out[i] = signed ? (byte) v : v & 0xFF;
            }
        }
        return out;
    }

    /** Whether a tensor holds INT8 or UINT8 elements. */
    public static boolean isByteType(Onnx.Tensor t) {
        int type = t.getDataType();
        return type == Onnx.Tensor.DataType.INT8_VALUE || type == Onnx.Tensor.DataType.UINT8_VALUE;
    }

    /** The name of a TensorProto.DataType code ("INT8", ...). */
    public static String typeName(int code) {
        Onnx.Tensor.DataType t = Onnx.Tensor.DataType.forNumber(code);
        return t != null ? t.name() : "data type " + code;
    }

    private void refuseExternal(Onnx.Tensor t) {
        if (t.getDataLocation() == Onnx.Tensor.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String file = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(Onnx.StringEntry::getValue).findFirst().orElse("?");
            throw new ModelFormatException(source + ": tensor " + t.getName() + " is stored outside the model file ("
                    + file + "); ONNX external data is not supported, save the model as a single file");
        }
    }

    private void checkBytes(Onnx.Tensor t, ByteString raw, long expected) {
        if (raw.size() != expected) {
            throw new ModelFormatException(source + ": tensor " + t.getName() + " of shape " + t.getDimsList()
                    + " has " + raw.size() + " bytes of data, expected " + expected);
        }
    }

    private void checkCount(Onnx.Tensor t, int count, int expected) {
        if (count != expected) {
            throw new ModelFormatException(source + ": tensor " + t.getName() + " of shape " + t.getDimsList()
                    + " has " + count + " elements, expected " + expected);
        }
    }

    private static float widen(short bits, boolean half) {
        return half ? Float.float16ToFloat(bits) : Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
