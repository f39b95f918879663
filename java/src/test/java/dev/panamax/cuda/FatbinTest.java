package dev.panamax.cuda;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packed fatbins: present whenever nvcc was there to build them, each a real fatbin with the
 * targets the build promises; and the table-of-contents reader that decides which GPUs they run on.
 */
class FatbinTest {
    private static final String TARGETS = "sm_80 sm_86 sm_89 sm_90 sm_90a compute_90";

    @Test
    void thePackedKernelsAreThereWhenNvccIs() {
        KernelIndex index = KernelIndex.packed();
        String nvcc = findNvcc();
        if (index.notBuilt() != null) {
            if (nvcc != null) {
                fail("nvcc is here (" + nvcc + ") but the build packed no CUDA kernels: " + index.notBuilt());
            }
            assertTrue(index.notBuilt().contains("nvcc"), index.notBuilt());
            return;
        }
        assertEquals("launch_probe.fatbin", index.fatbinOf("empty_kernel"));
        assertEquals("launch_probe.fatbin", index.fatbinOf(ArchProbe.KERNEL));
        for (String name : index.fatbins()) {
            byte[] image = KernelIndex.read(name);
            int magic = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            assertEquals(Fatbin.MAGIC, magic, name + String.format(": magic 0x%08X", magic));
            assertEquals(TARGETS, Fatbin.parse(image).targets(), name);
        }
    }

    @Test
    void picksWhatTheDriverWouldLoad() {
        Fatbin fatbin = Fatbin.parse(KernelIndex.packed().notBuilt() == null
                ? KernelIndex.read("launch_probe.fatbin") : synthetic());
        assertEquals("sm_90a", fatbin.bestFor(90).target());
        assertEquals("sm_80", fatbin.bestFor(80).target());
        assertEquals("sm_86", fatbin.bestFor(86).target());
        assertEquals("sm_86", fatbin.bestFor(87).target()); // Orin runs the sm_86 cubin
        assertEquals("sm_89", fatbin.bestFor(89).target());
        assertEquals("compute_90", fatbin.bestFor(100).target()); // Blackwell JIT-compiles the PTX
        assertEquals("compute_90", fatbin.bestFor(120).target());
        assertNull(fatbin.bestFor(75)); // Turing: nothing runs
        assertNull(fatbin.bestFor(70));
    }

    @Test
    void archSpecificImagesRunOnlyOnTheirVersion() {
        assertTrue(new Fatbin.Entry(false, 90, true).runsOn(90));
        assertTrue(!new Fatbin.Entry(false, 90, true).runsOn(100));
        assertTrue(!new Fatbin.Entry(true, 90, true).runsOn(100));
        assertTrue(new Fatbin.Entry(true, 90, false).runsOn(100));
        assertTrue(!new Fatbin.Entry(false, 80, false).runsOn(90));
    }

    @Test
    void rejectsWhatIsNotAFatbin() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fatbin.parse("\u007fELF and then some bytes".getBytes()));
        assertTrue(e.getMessage().startsWith("not a fatbin: magic 0x"), e.getMessage());
        byte[] whole = synthetic();
        assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(Arrays.copyOf(whole, whole.length - 1)));
        assertEquals(TARGETS, Fatbin.parse(whole).targets());
    }

    @Test
    void syntheticMatchesTheLayoutNvccWrites() {
        // Guards the synthetic image used above against drifting from real nvcc output.
        if (KernelIndex.packed().notBuilt() != null) {
            return;
        }
        Fatbin real = Fatbin.parse(KernelIndex.read("launch_probe.fatbin"));
        assertArrayEquals(Fatbin.parse(synthetic()).entries().stream().map(Fatbin.Entry::target).sorted().toArray(),
                real.entries().stream().map(Fatbin.Entry::target).sorted().toArray());
    }

    /** A fatbin image with empty payloads for the build's targets, laid out as nvcc lays it out. */
    static byte[] synthetic() {
        record T(int kind, int arch, long flags) {
        }
        List<T> ts = List.of(new T(2, 80, 0x11), new T(2, 86, 0x11), new T(2, 89, 0x11), new T(1, 90, 0x8011),
                new T(2, 90, 0x11), new T(2, 90, 0x100011));
        int entryHeader = 64;
        int payload = 8;
        ByteBuffer b = ByteBuffer.allocate(16 + ts.size() * (entryHeader + payload)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Fatbin.MAGIC).putShort((short) 1).putShort((short) 16).putLong((long) ts.size() * (entryHeader + payload));
        for (T t : ts) {
            int start = b.position();
            b.putShort((short) t.kind).putShort((short) 0x101).putInt(entryHeader).putLong(payload);
            b.position(start + 28);
            b.putInt(t.arch);
            b.position(start + 40);
            b.putLong(t.flags);
            b.position(start + entryHeader + payload);
        }
        return b.array();
    }

    /** nvcc where native/build-cuda.sh would look for it, or null. */
    private static String findNvcc() {
        List<String> candidates = new ArrayList<>();
        for (String env : new String[] {"NVCC"}) {
            if (System.getenv(env) != null) {
                candidates.add(System.getenv(env));
            }
        }
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            if (System.getenv(env) != null) {
                candidates.add(System.getenv(env) + "/bin/nvcc");
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(dir + "/nvcc");
            }
        }
        candidates.add("/usr/local/cuda/bin/nvcc");
        for (String c : candidates) {
            if (!c.isBlank() && Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }
}
