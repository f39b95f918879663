package dev.panamax.opencl;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-thread argument buffer, without a device: launches on one thread reuse one buffer (same
 * slots, nothing allocated), each begins it empty with its struct zeroed, a launch cannot begin
 * while another's arguments are being written on the thread, and threads do not share buffers.
 */
class ClArgsTest {
    @Test
    void launchesOnOneThreadReuseOneBufferAndEachBeginsEmpty() {
        MemorySegment first;
        try (ClArgs args = ClArgs.begin()) {
            args.u64(7).local(1024);
            first = args.struct(ClAttention.PARAMS);
            first.fill((byte) 0x5a);
            args.grid(512, 2, 256, 1);
            assertEquals(3, args.count());
            assertEquals(8, args.size(0));
            assertEquals(7L, args.value(0).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(1024, args.size(1));
            assertEquals(MemorySegment.NULL, args.value(1), "a __local buffer is a size with a NULL value");
            assertEquals(ClAttention.PARAMS.byteSize(), args.size(2));
            assertEquals(2, args.dims());
            assertEquals("global [512, 2], local [256, 1]", args.describeGrid());
        }
        try (ClArgs args = ClArgs.begin()) {
            assertEquals(0, args.count(), "a launch begins with no arguments");
            assertThrows(IllegalStateException.class, args::dims, "nor the previous launch's grid");
            args.u64(1).u64(2);
            MemorySegment again = args.struct(ClAttention.PARAMS);
            assertEquals(first.address(), again.address(), "the same slot of the same buffer");
            for (long i = 0; i < ClAttention.PARAMS.byteSize(); i++) {
                assertEquals(0, again.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of the struct, left by the last launch");
            }
        }
    }

    @Test
    void aSecondLaunchCannotBeginWhileTheFirstIsWritten() {
        try (ClArgs args = ClArgs.begin()) {
            args.u64(1);
            IllegalStateException e = assertThrows(IllegalStateException.class, ClArgs::begin);
            assertTrue(e.getMessage().contains("close"), e.getMessage());
            assertEquals(1, args.count(), "the first launch's arguments are untouched");
        }
        try (ClArgs args = ClArgs.begin()) {
            assertEquals(0, args.count(), "closed, the buffer serves the next launch");
        }
        ClArgs closed = ClArgs.begin();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.u64(1), "written after close");
    }

    @Test
    void threadsHaveTheirOwnBuffers() throws Exception {
        AtomicReference<ClArgs> other = new AtomicReference<>();
        try (ClArgs mine = ClArgs.begin()) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (ClArgs args = ClArgs.begin()) { // not refused: this thread's buffer is free
                    other.set(args);
                }
            });
            t.join();
            assertNotNull(other.get());
            assertNotSame(mine, other.get(), "one buffer per thread");
        }
        ClArgs first;
        try (ClArgs args = ClArgs.begin()) {
            first = args;
        }
        try (ClArgs args = ClArgs.begin()) {
            assertSame(first, args, "one buffer for all launches of a thread");
        }
    }

    @Test
    void limitsAreChecked() {
        StructLayout huge = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(ClArgs.SLOT / 8 + 1,
                ValueLayout.JAVA_LONG).withName("words")).withName("Huge");
        try (ClArgs args = ClArgs.begin()) {
            assertThrows(IllegalArgumentException.class, () -> args.struct(huge));
            for (int i = 0; i < ClArgs.MAX_ARGS; i++) {
                args.u64(i);
            }
            assertThrows(IllegalStateException.class, () -> args.u64(0));
        }
    }
}
