package dev.panamax.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What native/build-cuda.sh packed into the jar: {@code dev/panamax/cuda/kernels.index} lists one
 * fatbin per kernels/cuda source and the kernels it holds, one line each
 * ({@code gemm.fatbin gemm_f32_tiled gemm_bf16_mma}); comment lines start with {@code #}, and
 * {@code # not built: why} says why a jar carries none.
 */
final class KernelIndex {
    static final String RESOURCE = "kernels.index";
    private static final String NOT_BUILT = "# not built:";

    private final Map<String, String> fatbinOf = new LinkedHashMap<>();
    private final List<String> fatbins = new ArrayList<>();
    private final String notBuilt;

    private KernelIndex(String notBuilt) {
        this.notBuilt = notBuilt;
    }

    private static final class Packed {
        static final KernelIndex INSTANCE = load();
    }

    /** The index packed in this jar (a jar without one reads as "not built"). */
    static KernelIndex packed() {
        return Packed.INSTANCE;
    }

    private static KernelIndex load() {
        try (InputStream in = KernelIndex.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new KernelIndex("this jar has no dev/panamax/cuda/" + RESOURCE
                        + " (it was built without native/build-cuda.sh)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // native/build-cuda.sh refuses to write such an index; a jar put together otherwise may hold one
            return new KernelIndex("the packed " + RESOURCE + " is malformed: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cuda: cannot read the packed " + RESOURCE, e);
        }
    }

    static KernelIndex parse(String text) {
        String reason = null;
        List<String[]> lines = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith(NOT_BUILT)) {
                reason = line.substring(NOT_BUILT.length()).strip();
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                lines.add(line.split("\\s+"));
            }
        }
        if (lines.isEmpty() && reason == null) {
            reason = "the packed " + RESOURCE + " lists no fatbin";
        }
        KernelIndex index = new KernelIndex(lines.isEmpty() ? reason : null);
        for (String[] fields : lines) {
            String fatbin = fields[0];
            if (!fatbin.endsWith(".fatbin") || fatbin.contains("/")) {
                throw new IllegalArgumentException("cuda: malformed " + RESOURCE + " line: " + String.join(" ", fields));
            }
            index.fatbins.add(fatbin);
            for (int i = 1; i < fields.length; i++) {
                String previous = index.fatbinOf.putIfAbsent(fields[i], fatbin);
                if (previous != null) {
                    throw new IllegalArgumentException("cuda: kernel " + fields[i] + " is defined in both "
                            + previous + " and " + fatbin + "; extern \"C\" kernel names must be unique");
                }
            }
        }
        return index;
    }

    /** Why the jar carries no kernels, or null when it does. */
    String notBuilt() {
        return notBuilt;
    }

    /** The fatbins, in build order. */
    List<String> fatbins() {
        return List.copyOf(fatbins);
    }

    /** The fatbin that holds {@code kernel}, or null. */
    String fatbinOf(String kernel) {
        return fatbinOf.get(kernel);
    }

    /** The bytes of a packed fatbin. */
    static byte[] read(String fatbin) {
        try (InputStream in = KernelIndex.class.getResourceAsStream(fatbin)) {
            if (in == null) {
                throw new IllegalStateException("cuda: " + RESOURCE + " lists " + fatbin + " but the jar lacks it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cuda: cannot read the packed " + fatbin, e);
        }
    }
}
