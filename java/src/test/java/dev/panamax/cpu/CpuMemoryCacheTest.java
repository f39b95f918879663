package dev.panamax.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuMemoryCacheTest {
    private static final long MIB = 1 << 20;

    @Test
    void sizeClassesAreEighthsOfAPowerOfTwo() {
        assertEquals(0, CpuMemoryCache.sizeClass(0));
        assertEquals(64, CpuMemoryCache.sizeClass(1));
        assertEquals(128, CpuMemoryCache.sizeClass(100));
        assertEquals(4032, CpuMemoryCache.sizeClass(4031));
        assertEquals(4096, CpuMemoryCache.sizeClass(4095));
        assertEquals(MIB, CpuMemoryCache.sizeClass(MIB));
        assertEquals(MIB + MIB / 8, CpuMemoryCache.sizeClass(MIB + 1));
        assertEquals(64 * MIB, CpuMemoryCache.sizeClass(64 * MIB));
        assertEquals(72 * MIB, CpuMemoryCache.sizeClass(64 * MIB + 1));
        for (long b = MIB; b < 1L << 34; b = b * 3 / 2 + 7) {
            long c = CpuMemoryCache.sizeClass(b);
            assertTrue(c >= b && c - b <= b / 8, b + " -> " + c);
        }
    }

    /**
     * A huge-page mapping (what large blocks are with {@code panamax.cpu.hugePages=true}) starts on
     * a 2 MiB boundary, reads as zeros, is writable to its last byte, and is unmapped when its arena
     * closes (the mapped bytes go back to where they were; the segment then throws). The cache
     * takes it only when enabled, for blocks of 2 MiB and more.
     */
    @Test
    void hugePageMappingsAreAlignedZeroedAndUnmapped() {
        org.junit.jupiter.api.Assumptions.assumeTrue(HugePages.SUPPORTED,
                "no huge-page mappings here: " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        long before = HugePages.mappedBytes();
        long size = 5 * MIB + 3;
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
        java.lang.foreign.MemorySegment m = HugePages.allocate(arena, size);
        assertEquals(size, m.byteSize());
        assertEquals(0, m.address() % (2 * MIB), "a 2 MiB boundary");
        assertEquals(before + (size + 4095) / 4096 * 4096, HugePages.mappedBytes());
        for (long i = 0; i < size; i += 4096) {
            assertEquals(0, m.get(ValueLayout.JAVA_BYTE, i), "fresh memory reads as zeros");
        }
        m.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 9);
        assertEquals(9, m.get(ValueLayout.JAVA_BYTE, size - 1));
        arena.close();
        assertEquals(before, HugePages.mappedBytes(), "a closed arena unmaps");
        assertThrows(IllegalStateException.class, () -> m.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(HugePages.ENABLED, HugePages.applies(2 * MIB));
        assertFalse(HugePages.applies(2 * MIB - 1));
    }

    @Test
    void aMalformedHugePagesSettingIsRefused() {
        String old = System.getProperty(HugePages.PROPERTY);
        try {
            System.setProperty(HugePages.PROPERTY, "yes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, HugePages::checkSetting);
            assertEquals("panamax.cpu.hugePages must be true or false, got 'yes'", e.getMessage());
            System.setProperty(HugePages.PROPERTY, " FALSE ");
            HugePages.checkSetting();
        } finally {
            if (old == null) {
                System.clearProperty(HugePages.PROPERTY);
            } else {
                System.setProperty(HugePages.PROPERTY, old);
            }
        }
    }

    @Test
    void aFreedBlockServesTheNextRequestOfItsClassAndOnlyItsBytes() {
        CpuMemoryCache cache = new CpuMemoryCache(64 * MIB, 64);
        CpuMemory first = cache.allocate(3 * MIB);
        first.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
        cache.free(first);
        assertEquals(3 * MIB, cache.keptBytes());
        CpuMemory second = cache.allocate(3 * MIB - 100);
        assertSame(first.block(), second.block());
        assertEquals(3 * MIB - 100, second.byteSize());
        assertEquals(0, cache.keptBytes());
        CpuMemory other = cache.allocate(5 * MIB);
        assertNotSame(first.block(), other.block());
        cache.free(second);
        cache.free(other);
        assertEquals(8 * MIB, cache.release(0));
        assertFalse(second.arena().scope().isAlive());
    }

    @Test
    void keepsAtMostItsCapacityReleasingTheOldestFirst() {
        CpuMemoryCache cache = new CpuMemoryCache(4 * MIB, 64);
        CpuMemory a = cache.allocate(2 * MIB);
        CpuMemory b = cache.allocate(2 * MIB);
        CpuMemory c = cache.allocate(2 * MIB);
        cache.free(a);
        cache.free(b);
        cache.free(c); // over capacity: a, the oldest, goes
        assertEquals(4 * MIB, cache.keptBytes());
        assertFalse(a.arena().scope().isAlive());
        assertTrue(b.arena().scope().isAlive() && c.arena().scope().isAlive());
        CpuMemory big = cache.allocate(8 * MIB); // larger than the whole cache: never kept
        cache.free(big);
        assertFalse(big.arena().scope().isAlive());
        assertThrows(IllegalStateException.class, () -> big.segment().get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(4 * MIB, cache.keptBytes());
        cache.release(0);
    }

    @Test
    void blocksUnderAPageAreKeptByMultiplesOfALine() {
        CpuMemoryCache cache = new CpuMemoryCache(64 * MIB, 64);
        CpuMemory small = cache.allocate(32); // a [1, 8] F32 result
        assertEquals(32, small.byteSize());
        cache.free(small);
        assertEquals(64, cache.keptBytes());
        assertTrue(small.arena().scope().isAlive());
        CpuMemory again = cache.allocate(50);
        assertSame(small.block(), again.block());
        assertEquals(50, again.byteSize());
        CpuMemory other = cache.allocate(65); // another class: a block of its own
        assertNotSame(small.block(), other.block());
        cache.free(again);
        cache.free(other);
        assertEquals(64 + 128, cache.release(0));
        assertFalse(small.arena().scope().isAlive());
    }

    @Test
    void emptyBlocksAreNeverKept() {
        CpuMemoryCache cache = new CpuMemoryCache(64 * MIB, 64);
        CpuMemory empty = cache.allocate(0);
        cache.free(empty);
        assertEquals(0, cache.keptBytes());
        assertFalse(empty.arena().scope().isAlive());
    }

    @Test
    void pageSizedBlocksAreKeptAndReused() {
        CpuMemoryCache cache = new CpuMemoryCache(64 * MIB, 64);
        CpuMemory block = cache.allocate(24 * 1024); // a [16, 384] F32 result
        cache.free(block);
        assertEquals(24 * 1024, cache.keptBytes());
        assertTrue(block.arena().scope().isAlive());
        CpuMemory again = cache.allocate(24 * 1024);
        assertEquals(block.block().address(), again.block().address(), "the kept block is handed out again");
        assertEquals(0, cache.keptBytes());
    }
}
