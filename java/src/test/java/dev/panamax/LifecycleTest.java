package dev.panamax;

import dev.panamax.internal.DeviceHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lifetimes on the CPU (the lifecycle code is shared by every backend): the shared CPU device,
 * use after close of tensors and devices, closing a device frees its tensors, results close both
 * their tensors.
 */
class LifecycleTest {

    @Test
    void cpuIsSharedAndItsCloseDoesNothing() {
        Device cpu = Device.cpu();
        assertSame(cpu, Device.cpu());
        assertEquals("cpu", cpu.spec());
        assertEquals(Backend.CPU, cpu.backend());
        assertTrue(!cpu.name().isBlank());
        try (Tensor t = cpu.tensor(new float[] {1, 2, 3}, 3)) {
            cpu.close();
            cpu.close();
            assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray(), "Device.cpu().close() must not free its tensors");
            try (Tensor u = cpu.zeros(DType.F32, 2)) {
                assertEquals(2, u.size());
            }
            cpu.synchronize();
        }
    }

    @Test
    void openCpuIsAHandleOfItsOwn() {
        Device own = Device.open("cpu");
        assertNotSame(Device.cpu(), own);
        assertEquals("cpu", own.spec());
        assertEquals(Backend.CPU, own.backend());
        assertEquals(Device.cpu().name(), own.name());
        try (Tensor shared = Device.cpu().zeros(DType.F32, 3)) {
            Tensor mine = own.zeros(DType.F32, 3);
            own.close();
            assertThrows(IllegalStateException.class, mine::toFloatArray);
            assertArrayEquals(new float[3], shared.toFloatArray(), "closing another handle must not touch Device.cpu()'s tensors");
        }
    }

    /** Every way to use a tensor's memory, applied to {@code t}; each must throw once t is closed. */
    private static Map<String, Executable> uses(Tensor t, Tensor liveMatrix, Tensor liveC) {
        MemorySegment host = MemorySegment.ofArray(new byte[(int) t.size() * t.dtype().byteSize()]);
        Map<String, Executable> uses = new LinkedHashMap<>();
        uses.put("toFloatArray", t::toFloatArray);
        uses.put("copyTo", () -> t.copyTo(host));
        uses.put("copyFrom", () -> t.copyFrom(host));
        uses.put("to(Device)", () -> t.to(Device.cpu()).close());
        uses.put("to(DType)", () -> t.to(DType.BF16).close());
        uses.put("gemm a", () -> Ops.gemm(1, t, false, liveMatrix, false, 0, liveC));
        uses.put("gemm b", () -> Ops.gemm(1, liveMatrix, false, t, false, 0, liveC));
        uses.put("gemm c", () -> Ops.gemm(1, liveMatrix, false, liveMatrix, false, 0, t));
        uses.put("matmul a", () -> Ops.matmul(t, liveMatrix).close());
        uses.put("matmul b", () -> Ops.matmul(liveMatrix, t).close());
        uses.put("softmax", () -> Ops.softmax(t).close());
        uses.put("softmax x", () -> Ops.softmax(t, liveMatrix));
        uses.put("softmax out", () -> Ops.softmax(liveMatrix, t));
        uses.put("topKGating", () -> Ops.topKGating(t, 2, true).close());
        uses.put("topK", () -> Ops.topK(t, 2).close());
        return uses;
    }

    @Test
    void closedTensorThrowsIllegalStateOnEveryUse() {
        try (Tensor live = Device.cpu().zeros(DType.F32, 4, 4); Tensor liveC = Device.cpu().zeros(DType.F32, 4, 4);
             Tensor heads = Device.cpu().zeros(DType.F32, 1, 2, 4, 4)) {
            Tensor t = Device.cpu().zeros(DType.F32, 4, 4);
            t.close();
            t.close(); // idempotent
            for (Map.Entry<String, Executable> use : uses(t, live, liveC).entrySet()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, use.getValue(), use.getKey());
                assertTrue(e.getMessage() != null && e.getMessage().contains("closed"), use.getKey() + ": " + e.getMessage());
            }
            Tensor ints = Device.cpu().zeros(DType.I32, 4);
            ints.close();
            assertThrows(IllegalStateException.class, ints::toIntArray);
            Tensor q = Device.cpu().zeros(DType.F32, 1, 2, 4, 4);
            q.close();
            for (int position = 0; position < 3; position++) {
                Tensor a = position == 0 ? q : heads, b = position == 1 ? q : heads, c = position == 2 ? q : heads;
                assertThrows(IllegalStateException.class, () -> Ops.attention(a, b, c, false).close(), "attention " + position);
                assertThrows(IllegalStateException.class, () -> Ops.attention(a, b, c, true, 0.5f).close(), "attention " + position);
            }
        }
    }

    /** A closed view throws on every use, as any closed tensor; the base it was made from lives on, and the other way round. */
    @Test
    void viewsCloseOnTheirOwn() {
        try (Tensor live = Device.cpu().zeros(DType.F32, 4, 4); Tensor liveC = Device.cpu().zeros(DType.F32, 4, 4);
             Tensor base = Device.cpu().tensor(new float[32], 2, 4, 4); Tensor second = base.slice(1, 2)) {
            Tensor view = second.reshape(4, 4);
            view.close();
            view.close(); // idempotent
            for (Map.Entry<String, Executable> use : uses(view, live, liveC).entrySet()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, use.getValue(), use.getKey());
                assertTrue(e.getMessage() != null && e.getMessage().contains("closed"), use.getKey() + ": " + e.getMessage());
            }
            assertThrows(IllegalStateException.class, () -> view.slice(0, 1));
            assertEquals(32, base.toFloatArray().length, "closing a view leaves its base open");
        }
        Device d = Device.open("cpu");
        try (Tensor live = d.zeros(DType.F32, 4, 4); Tensor liveC = d.zeros(DType.F32, 4, 4)) {
            Tensor base = d.tensor(new float[16], 4, 4);
            Tensor flat = base.reshape(16);
            Tensor view = flat.reshape(4, 4);
            base.close();
            flat.close();
            for (Map.Entry<String, Executable> use : uses(view, live, liveC).entrySet()) {
                try {
                    use.getValue().execute(); // every use works on a view whose base is closed
                } catch (Throwable e) {
                    throw new AssertionError(use.getKey() + " on a view of a closed base: " + e, e);
                }
            }
            view.close();
        } finally {
            d.close();
        }
        assertEquals(0, ((DeviceHandle) d).openTensorCount());
    }

    @Test
    void closedDeviceThrowsIllegalStateAndFreesItsTensors() {
        Device d = Device.open("cpu");
        Tensor t = d.tensor(new float[16], 4, 4);
        Tensor heads = d.zeros(DType.F32, 1, 2, 4, 4);
        assertEquals(2, ((DeviceHandle) d).openTensorCount());
        d.close();
        d.close(); // idempotent
        assertEquals(0, ((DeviceHandle) d).openTensorCount(), "close must free every tensor of the device");
        assertThrows(IllegalStateException.class, () -> d.zeros(DType.F32, 1));
        assertThrows(IllegalStateException.class, () -> d.tensor(new float[1], 1));
        assertThrows(IllegalStateException.class, () -> d.tensor(new int[1], 1));
        assertThrows(IllegalStateException.class, () -> d.tensor(MemorySegment.ofArray(new float[1]), DType.F32, 1));
        assertThrows(IllegalStateException.class, d::synchronize);
        try (Tensor live = Device.cpu().zeros(DType.F32, 4, 4); Tensor liveC = Device.cpu().zeros(DType.F32, 4, 4)) {
            assertThrows(IllegalStateException.class, () -> live.to(d), "to(a closed device)");
            for (Map.Entry<String, Executable> use : uses(t, live, liveC).entrySet()) {
                assertThrows(IllegalStateException.class, use.getValue(), use.getKey());
            }
            assertThrows(IllegalStateException.class, () -> Ops.attention(heads, heads, heads, true).close());
        }
    }

    @Test
    void resultsCloseBothTensors() {
        try (Tensor logits = Device.cpu().tensor(new float[] {1, 3, 2, 0}, 1, 4); Tensor x = Device.cpu().tensor(new float[] {1, 3, 2}, 3)) {
            Routing r = Ops.topKGating(logits, 2, false);
            r.close();
            assertThrows(IllegalStateException.class, r.weights()::toFloatArray);
            assertThrows(IllegalStateException.class, r.experts()::toIntArray);
            r.close();
            TopK k = Ops.topK(x, 2);
            k.close();
            assertThrows(IllegalStateException.class, k.values()::toFloatArray);
            assertThrows(IllegalStateException.class, k.indices()::toIntArray);
        }
        // records built by hand close both too
        Tensor w = Device.cpu().zeros(DType.F32, 2);
        Tensor e = Device.cpu().zeros(DType.I32, 2);
        new Routing(w, e).close();
        assertThrows(IllegalStateException.class, w::toFloatArray);
        assertThrows(IllegalStateException.class, e::toIntArray);
        Tensor v = Device.cpu().zeros(DType.F32, 2);
        Tensor i = Device.cpu().zeros(DType.I32, 2);
        new TopK(v, i).close();
        assertThrows(IllegalStateException.class, v::toFloatArray);
        assertThrows(IllegalStateException.class, i::toIntArray);
    }

    @Test
    void hostSegmentsStayTheCallers() {
        try (Arena arena = Arena.ofConfined(); Tensor t = Device.cpu().tensor(new float[] {1, 2, 3, 4}, 4)) {
            MemorySegment host = arena.allocate(16);
            t.copyTo(host);
            try (Tensor u = Device.cpu().tensor(host, DType.F32, 4)) {
                host.fill((byte) 0);
                assertArrayEquals(new float[] {1, 2, 3, 4}, u.toFloatArray(), "tensor(MemorySegment) must copy, not keep, the segment");
            }
        }
    }

    // ---------------------------------------------------------------- embedding, rope, writeCache

    /** A closed tensor in any argument of embedding, rope or writeCache: IllegalStateException. */
    @Test
    void closedTensorsInEmbeddingRopeAndWriteCache() {
        Device cpu = Device.cpu();
        try (Tensor table = cpu.zeros(DType.F32, 4, 4); Tensor ids = cpu.zeros(DType.I32, 2); Tensor out = cpu.zeros(DType.F32, 2, 4);
             Tensor x = cpu.zeros(DType.F32, 1, 1, 2, 4); Tensor pos = cpu.zeros(DType.I32, 2); Tensor inv = cpu.zeros(DType.F32, 2);
             Tensor cache = cpu.zeros(DType.F32, 1, 1, 8, 4); Tensor starts = cpu.zeros(DType.I32, 1)) {
            Tensor[] closed = {cpu.zeros(DType.F32, 4, 4), cpu.zeros(DType.I32, 2), cpu.zeros(DType.F32, 2, 4),
                cpu.zeros(DType.F32, 1, 1, 2, 4), cpu.zeros(DType.I32, 2), cpu.zeros(DType.F32, 2),
                cpu.zeros(DType.F32, 1, 1, 8, 4), cpu.zeros(DType.I32, 1)};
            for (Tensor t : closed) {
                t.close();
            }
            Map<String, Executable> calls = new LinkedHashMap<>();
            calls.put("embedding table", () -> Ops.embedding(closed[0], ids).close());
            calls.put("embedding ids", () -> Ops.embedding(table, closed[1]).close());
            calls.put("embedding out", () -> Ops.embedding(table, ids, closed[2]));
            calls.put("rope x", () -> Ops.rope(closed[3], pos, inv, false));
            calls.put("rope positions", () -> Ops.rope(x, closed[4], 10000f));
            calls.put("rope inverseFrequencies", () -> Ops.rope(x, pos, closed[5], true));
            calls.put("writeCache src", () -> Ops.writeCache(closed[3], cache, starts));
            calls.put("writeCache cache", () -> Ops.writeCache(x, closed[6], starts));
            calls.put("writeCache starts", () -> Ops.writeCache(x, cache, closed[7]));
            for (Map.Entry<String, Executable> call : calls.entrySet()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, call.getValue(), call.getKey());
                assertTrue(e.getMessage() != null && e.getMessage().contains("closed"), call.getKey() + ": " + e.getMessage());
            }
        }
    }
}
