package dev.panamax.cpu;

import dev.panamax.Backend;
import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.Config;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host as a device: tensors in native memory, one shared arena per allocation, kernels in
 * Java on {@link CpuPool}. Work runs synchronously in the calling thread and the pool, so
 * {@link #synchronize()} has nothing to wait for.
 */
final class CpuDevice implements BackendDevice {
    /** Cache-line (and AVX-512 vector) alignment of every tensor. */
    static final long ALIGNMENT = 64;

    private final CpuPool pool;
    private final CpuKernels kernels;
    private final String name;
    private final CpuMemoryCache cache;

    CpuDevice() {
        int threads = Config.positiveInt("panamax.cpu.threads", null, Runtime.getRuntime().availableProcessors());
        HugePages.checkSetting();
        this.pool = new CpuPool(threads);
        this.kernels = new CpuKernels(pool);
        this.name = cpuModel();
        // Keep up to 1/16 of the host's memory, at most 1 GiB, of freed blocks for reuse.
        this.cache = new CpuMemoryCache(Math.min(1L << 30, memoryBytes() / 16), ALIGNMENT);
    }

    @Override
    public String spec() {
        return "cpu";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Backend backend() {
        return Backend.CPU;
    }

    @Override
    public long memoryBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the JVM's own limit below
        }
        return Runtime.getRuntime().maxMemory();
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("threads", Integer.toString(pool.threads()));
        info.put("kernels", kernels.description());
        info.put("java", Runtime.version().toString());
        info.put("memory kept for reuse", (cache.keptBytes() >> 20) + " MiB");
        info.put("huge pages", HugePages.ENABLED ? "advised for blocks of 2 MiB and more"
                : HugePages.SUPPORTED ? "off (" + HugePages.PROPERTY + "=true advises them)" : "not on this host");
        return info;
    }

    @Override
    public Memory allocate(long bytes) {
        return cache.allocate(bytes);
    }

    @Override
    public void free(Memory memory) {
        cache.free((CpuMemory) memory);
    }

    /** A slice of the base's segment: the same arena and block, so it is valid exactly as long as the base. */
    @Override
    public Memory view(Memory base, long byteOffset, long bytes) {
        CpuMemory m = (CpuMemory) base;
        return new CpuMemory(m.arena(), m.block(), m.segment().asSlice(byteOffset, bytes));
    }

    @Override
    public void zero(Memory memory, long bytes) {
        CpuMemory.segment(memory).asSlice(0, bytes).fill((byte) 0);
    }

    @Override
    public void copyIn(MemorySegment src, Memory dst, long bytes) {
        MemorySegment.copy(src, 0, CpuMemory.segment(dst), 0, bytes);
    }

    @Override
    public void copyOut(Memory src, MemorySegment dst, long bytes) {
        MemorySegment.copy(CpuMemory.segment(src), 0, dst, 0, bytes);
    }

    /** MemorySegment.copy is memmove: overlapping views copy correctly. */
    @Override
    public void copy(Memory src, Memory dst, long bytes) {
        MemorySegment.copy(CpuMemory.segment(src), 0, CpuMemory.segment(dst), 0, bytes);
    }

    @Override
    public boolean acceptsHeapSegments() {
        return true;
    }

    @Override
    public MemorySegment hostView(Memory memory) {
        return CpuMemory.segment(memory);
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public void synchronize() {
        // CPU ops complete before they return.
    }

    private static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException | SecurityException e) {
            // not Linux: fall back to the JVM's view below
        }
        return System.getProperty("os.arch") + " (" + Runtime.getRuntime().availableProcessors() + " threads)";
    }
}
