package dev.panamax.cuda;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernelParams argument: a pointer to one pointer to the struct's bytes, or NULL for a kernel
 * without parameters. Checked by reading back what a launch would hand the driver.
 */
class LaunchParamsTest {
    /** What cuLaunchKernel would read: kernelParams[0] dereferenced for {@code size} bytes. */
    private static byte[] structBehind(MemorySegment kernelParams, long size) {
        MemorySegment pointers = kernelParams.reinterpret(8);
        MemorySegment struct = pointers.get(ValueLayout.ADDRESS, 0).reinterpret(size);
        assertEquals(0, struct.address() % 16, "the struct is 16-byte aligned");
        return struct.toArray(ValueLayout.JAVA_BYTE);
    }

    private static MemorySegment struct(Arena arena, int size) {
        MemorySegment s = arena.allocate(size, 8);
        for (int i = 0; i < size; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        return s;
    }

    @Test
    void noParametersIsNull() {
        AtomicReference<MemorySegment> seen = new AtomicReference<>();
        assertEquals(0, LaunchParams.with(null, kp -> {
            seen.set(kp);
            return 0;
        }));
        assertEquals(MemorySegment.NULL, seen.get());
    }

    @Test
    void oneStructBehindOnePointer() {
        try (Arena arena = Arena.ofConfined()) {
            for (int size : new int[] {1, 8, 40, 4096}) {
                MemorySegment params = struct(arena, size);
                byte[] expected = params.toArray(ValueLayout.JAVA_BYTE);
                int rc = LaunchParams.with(params, kp -> {
                    assertEquals(expected.length, structBehind(kp, size).length);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, structBehind(kp, size));
                    return 719;
                });
                assertEquals(719, rc, "the launch's result comes back");
            }
        }
    }

    @Test
    void aLargeStructGetsItsOwnBuffer() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = struct(arena, LaunchParams.CAPACITY + 100);
            byte[] expected = params.toArray(ValueLayout.JAVA_BYTE);
            LaunchParams.with(params, kp -> {
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, structBehind(kp, expected.length));
                return 0;
            });
        }
    }

    @Test
    void heapStructsAndVirtualThreadsWork() throws Exception {
        byte[] bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        MemorySegment heap = MemorySegment.ofArray(bytes.clone());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                LaunchParams.with(heap, kp -> {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, structBehind(kp, bytes.length));
                    return 0;
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        assertTrue(failure.get() == null, String.valueOf(failure.get()));
    }

    @Test
    void theBufferIsReusedAndOverwritten() {
        try (Arena arena = Arena.ofConfined()) {
            AtomicReference<MemorySegment> first = new AtomicReference<>();
            LaunchParams.with(struct(arena, 64), kp -> {
                first.set(kp);
                return 0;
            });
            MemorySegment second = arena.allocate(16, 8);
            second.fill((byte) 0x5A);
            LaunchParams.with(second, kp -> {
                assertEquals(first.get().address(), kp.address(), "one buffer per thread");
                byte[] seen = structBehind(kp, 16);
                for (byte b : seen) {
                    assertEquals(0x5A, b);
                }
                return 0;
            });
        }
    }
}
