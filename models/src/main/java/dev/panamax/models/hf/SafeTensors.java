package dev.panamax.models.hf;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;
import dev.panamax.models.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tensors of a Hugging Face checkpoint in safetensors: {@code model.safetensors}, or the shards
 * that {@code model.safetensors.index.json} names. Each file is mapped read-only
 * ({@code FileChannel.map} into a {@link MemorySegment} of this object's arena) and a tensor's
 * bytes go from the mapping to the device without a copy through the Java heap. The mappings live
 * until {@link #close()}.
 *
 * <p>A file is an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "BF16", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * offsets relative to the end of the header), then the raw little-endian data.
 */
public final class SafeTensors implements AutoCloseable {
    /** The file name of a single-file checkpoint. */
    public static final String SINGLE = "model.safetensors";
    /** The file name of the index of a sharded checkpoint. */
    public static final String INDEX = "model.safetensors.index.json";
    private static final long MAX_HEADER = 100L << 20;

    /** One tensor: where its bytes are and what the header says about them. */
    public record Entry(String name, Path file, String dtype, long[] shape, MemorySegment data) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    private final Arena arena = Arena.ofShared();
    private final Map<String, Entry> entries = new TreeMap<>();
    private final Path dir;

    private SafeTensors(Path dir) {
        this.dir = dir;
    }

    /** Maps dir/model.safetensors, or every shard of dir/model.safetensors.index.json. */
    public static SafeTensors open(Path dir) throws IOException {
        SafeTensors st = new SafeTensors(dir);
        try {
            Path index = dir.resolve(INDEX);
            Path single = dir.resolve(SINGLE);
            if (Files.isRegularFile(index)) {
                for (Path shard : shards(index)) {
                    st.map(shard);
                }
            } else if (Files.isRegularFile(single)) {
                st.map(single);
            } else {
                throw new ModelFormatException(dir + ": neither " + SINGLE + " nor " + INDEX);
            }
            return st;
        } catch (IOException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** The distinct shard files of an index, in the order they first appear in its weight_map. */
    private static List<Path> shards(Path index) throws IOException {
        Map<?, ?> m = Checkpoints.object(Files.readString(index), index.toString());
        if (!(m.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new ModelFormatException(index + ": no \"weight_map\" object");
        }
        Set<Path> files = new java.util.LinkedHashSet<>();
        for (Object f : weightMap.values()) {
            if (!(f instanceof String name) || name.contains("/") || name.contains("\\")) {
                throw new ModelFormatException(index + ": weight_map values must be file names beside the index, got " + f);
            }
            Path p = index.resolveSibling(name);
            if (!Files.isRegularFile(p)) {
                throw new ModelFormatException(index + ": shard " + name + " is missing");
            }
            files.add(p);
        }
        return List.copyOf(files);
    }

    private void map(Path file) throws IOException {
        MemorySegment whole;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
        if (whole.byteSize() < 8) {
            throw new ModelFormatException(file + ": too short for a safetensors file (" + whole.byteSize() + " bytes)");
        }
        long n = whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
        if (n <= 0 || n > MAX_HEADER || 8 + n > whole.byteSize()) {
            throw new ModelFormatException(file + ": bad safetensors header length " + n + " (file of "
                    + whole.byteSize() + " bytes)");
        }
        String header = new String(whole.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        MemorySegment data = whole.asSlice(8 + n);
        Map<?, ?> m = Checkpoints.object(header, file + ": the safetensors header");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            Entry entry = entry(file, name, e.getValue(), data);
            if (entries.putIfAbsent(name, entry) != null) {
                throw new ModelFormatException(file + ": tensor " + name + " is also in " + entries.get(name).file());
            }
        }
    }

    private static Entry entry(Path file, String name, Object v, MemorySegment data) {
        String where = file + ": tensor " + name;
        if (!(v instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dtype)
                || !(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offsets)
                || offsets.size() != 2) {
            throw new ModelFormatException(where + ": needs dtype, shape and data_offsets [begin, end], got " + v);
        }
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0) {
                throw new ModelFormatException(where + ": bad shape " + shapeList);
            }
            shape[i] = d;
        }
        if (!(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                || begin < 0 || end < begin || end > data.byteSize()) {
            throw new ModelFormatException(where + ": data_offsets " + offsets + " outside the " + data.byteSize()
                    + " bytes of data");
        }
        Entry entry = new Entry(name, file, dtype, shape, data.asSlice(begin, end - begin));
        int size = elementSize(dtype);
        if (size > 0) {
            long need;
            try {
                need = Math.multiplyExact(entry.elements(), size);
            } catch (ArithmeticException overflow) {
                need = -1;
            }
            if (need != end - begin) {
                throw new ModelFormatException(where + ": " + dtype + " " + Arrays.toString(shape) + " does not fit the "
                        + (end - begin) + " bytes that data_offsets give");
            }
        }
        return entry;
    }

    /** The byte size of a safetensors dtype, 0 when unknown. */
    private static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    /** The Panamax dtype of a floating safetensors dtype this reader loads, or null. */
    static DType floating(String dtype) {
        return switch (dtype) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            default -> null;
        };
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The named tensor's entry, or a ModelFormatException that says it is missing. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(dir + ": tensor " + name + " is missing from the checkpoint");
        }
        return e;
    }

    /** Every tensor, by name. */
    public Map<String, Entry> entries() {
        return new LinkedHashMap<>(entries);
    }

    /**
     * The named tensor on the device in {@code dtype}, checked to have {@code shape}: its bytes are
     * copied from the mapping into a device tensor of the file's dtype, then converted there
     * ({@link Tensor#to(DType)}) when the dtypes differ.
     */
    public Tensor load(Device device, String name, DType dtype, long... shape) {
        DType stored = checked(name, shape);
        Tensor raw = device.tensor(entry(name).data(), stored, shape);
        if (stored == dtype) {
            return raw;
        }
        try (raw) {
            return raw.to(dtype);
        }
    }

    /**
     * Copies the named tensor, checked to have {@code shape}, into {@code target} (a tensor or view
     * of the same size, in any floating dtype): straight from the mapping when the dtypes agree,
     * else through a converted device copy.
     */
    public void loadInto(Tensor target, String name, long... shape) {
        DType stored = checked(name, shape);
        if (stored == target.dtype()) {
            target.copyFrom(entry(name).data());
            return;
        }
        try (Tensor t = load(target.device(), name, target.dtype(), shape)) {
            target.copyFrom(t);
        }
    }

    /** The file's dtype of the named tensor, after checking that it exists, has shape and is floating. */
    private DType checked(String name, long... shape) {
        Entry e = entry(name);
        if (!Arrays.equals(e.shape(), shape)) {
            throw new ModelFormatException(e.file() + ": tensor " + name + " has shape " + Arrays.toString(e.shape())
                    + ", the config says " + Arrays.toString(shape));
        }
        DType stored = floating(e.dtype());
        if (stored == null) {
            throw new ModelFormatException(e.file() + ": tensor " + name + " is " + e.dtype()
                    + "; CausalLM reads F32, F16 and BF16 weights");
        }
        return stored;
    }

    /** Unmaps every file. */
    @Override
    public void close() {
        arena.close();
    }
}
