package dev.panamax.cuda;

import dev.panamax.internal.KernelStruct;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameter struct a launch fills in place and the kernelParams argument the driver gets for
 * it: a pointer to one pointer to the struct's bytes (NULL for a kernel without parameters).
 * Checked by reading back, through kernelParams, what cuLaunchKernel would read.
 */
class LaunchParamsTest {
    private static final StructLayout T = KernelStruct.of("T", ValueLayout.JAVA_INT.withName("a"),
            ValueLayout.JAVA_LONG.withName("b"), ValueLayout.JAVA_FLOAT.withName("c"));
    private static final VarHandle A = KernelStruct.field(T, "a");
    private static final VarHandle B = KernelStruct.field(T, "b");
    private static final VarHandle C = KernelStruct.field(T, "c");

    /** What cuLaunchKernel would read: kernelParams[0] dereferenced for {@code size} bytes. */
    private static MemorySegment structBehind(MemorySegment kernelParams, long size) {
        MemorySegment struct = kernelParams.reinterpret(8).get(ValueLayout.ADDRESS, 0).reinterpret(size);
        assertEquals(0, struct.address() % 16, "the struct is 16-byte aligned");
        return struct;
    }

    private static MemoryLayout bytes(long n) {
        return MemoryLayout.sequenceLayout(n, ValueLayout.JAVA_BYTE);
    }

    @Test
    void noParametersIsNull() {
        assertEquals(MemorySegment.NULL, LaunchParams.kernelParams(null));
    }

    @Test
    void theStructIsWrittenInPlaceBehindOnePointer() {
        MemorySegment p = LaunchParams.struct(T);
        assertEquals(24, p.byteSize(), "sized to the layout");
        A.set(p, 0L, 7);
        B.set(p, 0L, 0x1122334455667788L);
        C.set(p, 0L, -0.5f);
        MemorySegment kernelParams = LaunchParams.kernelParams(p);
        MemorySegment seen = structBehind(kernelParams, T.byteSize());
        assertEquals(p.address(), seen.address(), "no copy: the driver reads the struct where it was written");
        assertEquals(7, seen.get(ValueLayout.JAVA_INT, 0));
        assertEquals(0x1122334455667788L, seen.get(ValueLayout.JAVA_LONG, 8));
        assertEquals(-0.5f, seen.get(ValueLayout.JAVA_FLOAT, 16));
    }

    @Test
    void eachStructStartsZeroedInTheSameBuffer() {
        MemorySegment first = LaunchParams.struct(bytes(LaunchParams.CAPACITY));
        first.fill((byte) 0x5A);
        MemorySegment kernelParams = LaunchParams.kernelParams(first);
        MemorySegment second = LaunchParams.struct(T);
        assertEquals(first.address(), second.address(), "one buffer per thread");
        assertEquals(kernelParams.address(), LaunchParams.kernelParams(second).address());
        assertArrayEquals(new byte[(int) T.byteSize()], second.toArray(ValueLayout.JAVA_BYTE), "zeroed");
    }

    @Test
    void aStructThatDoesNotFitIsRefused() {
        var big = assertThrows(IllegalArgumentException.class, () -> LaunchParams.struct(bytes(LaunchParams.CAPACITY + 1)));
        assertTrue(big.getMessage().contains(LaunchParams.CAPACITY + " bytes"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaunchParams.struct(bytes(32).withByteAlignment(32)));
    }

    @Test
    void onlyTheThreadsLatestStructIsLaunched() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment elsewhere = arena.allocate(T);
            LaunchParams.struct(T);
            assertThrows(IllegalArgumentException.class, () -> LaunchParams.kernelParams(elsewhere));
        }
        // filled, then another struct asked for before the launch (a probe in between): refused
        MemorySegment stale = LaunchParams.struct(T);
        LaunchParams.struct(ArchProbe.PARAMS);
        var e = assertThrows(IllegalArgumentException.class, () -> LaunchParams.kernelParams(stale));
        assertTrue(e.getMessage().contains("latest"), e.getMessage());
    }

    @Test
    void everyThreadVirtualOrNotHasItsOwnBuffer() throws Exception {
        MemorySegment mine = LaunchParams.struct(T);
        AtomicReference<MemorySegment> theirs = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                MemorySegment p = LaunchParams.struct(T);
                B.set(p, 0L, 42L);
                Thread.yield(); // may resume on another carrier: the buffer is the virtual thread's
                assertEquals(42L, structBehind(LaunchParams.kernelParams(p), T.byteSize()).get(ValueLayout.JAVA_LONG, 8));
                assertThrows(IllegalArgumentException.class, () -> LaunchParams.kernelParams(mine));
                theirs.set(p);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        assertTrue(failure.get() == null, String.valueOf(failure.get()));
        assertNotEquals(mine.address(), theirs.get().address());
        assertThrows(IllegalArgumentException.class, () -> LaunchParams.kernelParams(theirs.get()));
    }
}
