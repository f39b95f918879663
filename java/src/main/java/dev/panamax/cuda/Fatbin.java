package dev.panamax.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The table of contents of a fatbin (what {@code nvcc -fatbin} writes): which cubins and PTX it
 * holds, so the backend can say what it carries and whether any of it runs on a device, before
 * the driver tries. The layout is NVIDIA's, undocumented and little-endian; the fields read here
 * are the stable ones that cuobjdump lists:
 *
 * <pre>
 * container: u32 magic 0xBA55ED50 | u16 version | u16 header size | u64 size of the entries
 * entry:     u16 kind (1 PTX, 2 cubin) | u16 version | u32 header size | u64 payload size
 *            | ... | u32 arch at 28 (90 for sm_90) | ... | u64 flags at 40 (0x100000: an
 *            architecture-specific target such as sm_90a)
 * </pre>
 */
record Fatbin(List<Entry> entries) {
    static final int MAGIC = 0xBA55ED50;
    private static final int KIND_PTX = 1;
    private static final int KIND_CUBIN = 2;
    private static final long FLAG_ARCH_SPECIFIC = 0x100000L;

    /** One image: a cubin for {@code sm_<arch>} or PTX for {@code compute_<arch>}, "a" when arch-specific. */
    record Entry(boolean ptx, int arch, boolean archSpecific) {
        String target() {
            return (ptx ? "compute_" : "sm_") + arch + (archSpecific ? "a" : "");
        }

        /**
         * Whether the driver can run this image on compute capability {@code cc} (major * 10 +
         * minor): a cubin on the same major version at a minor no newer than the device's (an
         * arch-specific one only on its exact version); PTX on any newer device (JIT-compiled).
         */
        boolean runsOn(int cc) {
            if (archSpecific) {
                return cc == arch;
            }
            return ptx ? cc >= arch : cc / 10 == arch / 10 && cc >= arch;
        }
    }

    Fatbin {
        entries = List.copyOf(entries);
    }

    /** Parses every container in {@code image}; IllegalArgumentException if it is not a fatbin. */
    static Fatbin parse(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> entries = new ArrayList<>();
        int at = 0;
        while (at + 16 <= image.length) {
            if (b.getInt(at) != MAGIC) {
                if (at == 0) {
                    throw new IllegalArgumentException(String.format(
                            "not a fatbin: magic 0x%08X, expected 0x%08X", b.getInt(0), MAGIC));
                }
                break; // padding after the last container
            }
            int headerSize = Short.toUnsignedInt(b.getShort(at + 6));
            long size = b.getLong(at + 8);
            long end = at + (long) headerSize + size;
            if (headerSize < 16 || size < 0 || end > image.length) {
                throw new IllegalArgumentException("truncated fatbin: a container at " + at + " ends at " + end
                        + " of " + image.length + " bytes");
            }
            long e = at + headerSize;
            while (e + 48 <= end) {
                int p = (int) e;
                int kind = Short.toUnsignedInt(b.getShort(p));
                long entryHeader = Integer.toUnsignedLong(b.getInt(p + 4));
                long payload = b.getLong(p + 8);
                if (entryHeader < 48 || payload < 0 || e + entryHeader + payload > end) {
                    throw new IllegalArgumentException("malformed fatbin entry at " + p);
                }
                if (kind == KIND_PTX || kind == KIND_CUBIN) {
                    entries.add(new Entry(kind == KIND_PTX, b.getInt(p + 28),
                            (b.getLong(p + 40) & FLAG_ARCH_SPECIFIC) != 0));
                }
                e += entryHeader + payload;
            }
            at = (int) end;
        }
        return new Fatbin(entries);
    }

    /** "sm_80 sm_86 sm_89 sm_90 sm_90a compute_90": the targets, cubins first. */
    String targets() {
        return entries.stream().sorted((x, y) -> Boolean.compare(x.ptx(), y.ptx()))
                .map(Entry::target).distinct().collect(Collectors.joining(" "));
    }

    /**
     * The image the driver would pick for compute capability {@code cc}, or null when none runs
     * there: an arch-specific cubin of exactly that version, else the newest compatible cubin,
     * else the newest PTX to JIT-compile.
     */
    Entry bestFor(int cc) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.runsOn(cc) && (best == null || rank(e) > rank(best))) {
                best = e;
            }
        }
        return best;
    }

    private static int rank(Entry e) {
        return (e.ptx() ? 0 : 100_000) + (e.archSpecific() ? 1_000 : 0) + e.arch();
    }
}
