package dev.panamax;

import dev.panamax.internal.DeviceHandle;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A close racing with ops on another thread: every op either completes or throws
 * {@link IllegalStateException}, never anything else and never a crash; once close has returned,
 * every op throws; nothing stays allocated.
 */
class CloseRaceTest {
    private static final int ROUNDS = 300;

    /** The ops a worker cycles through, on x [64, 1024] and a [128, 128]. */
    private static final List<Consumer<Tensor[]>> OPS = List.of(
            t -> Ops.softmax(t[0]).close(),
            t -> Ops.matmul(t[1], t[1]).close(),
            t -> t[0].toFloatArray(),
            t -> t[0].to(DType.F16).close(),
            t -> t[0].to(Device.cpu()).close(),
            t -> Ops.topK(t[0], 4).close(),
            t -> Ops.softmax(t[0], t[0]),
            t -> Ops.gemm(1, t[1], false, t[1], true, 0, t[2]),
            t -> Ops.attention(t[3], t[3], t[3], true).close());

    @Test
    void closeRacingWithOps() throws InterruptedException {
        SplittableRandom random = new SplittableRandom();
        float[] x = new float[64 * 1024];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int round = 0; round < ROUNDS; round++) {
            DeviceHandle d = (DeviceHandle) Device.open("cpu");
            Tensor[] t = {d.tensor(x, 64, 1024), d.tensor(Arrays.copyOf(x, 128 * 128), 128, 128),
                d.zeros(DType.F32, 128, 128), d.tensor(x, 1, 4, 256, 64)};
            AtomicBoolean closeReturned = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            int first = round % OPS.size();
            boolean closeDevice = round % 2 == 0;
            Thread worker = new Thread(() -> {
                started.countDown();
                for (int i = 0; ; i++) {
                    boolean afterClose = closeReturned.get();
                    try {
                        OPS.get((first + i) % OPS.size()).accept(t);
                        if (afterClose) {
                            failure.set(new AssertionError("an op completed after close had returned"));
                            return;
                        }
                    } catch (IllegalStateException e) {
                        return; // the close won the race: fine
                    } catch (Throwable e) {
                        failure.set(e);
                        return;
                    }
                }
            }, "close-race-worker");
            worker.start();
            started.await();
            busyWait(random.nextInt(2_000_000));
            if (closeDevice) {
                d.close();
            } else {
                for (Tensor each : t) {
                    each.close();
                }
            }
            closeReturned.set(true);
            worker.join(60_000);
            if (worker.isAlive()) {
                throw new AssertionError("round " + round + ": the worker still runs a minute after close");
            }
            if (failure.get() != null) {
                throw new AssertionError("round " + round + " (closing the " + (closeDevice ? "device" : "tensors") + "): "
                        + failure.get(), failure.get());
            }
            d.close();
            assertEquals(0, d.openTensorCount(), "round " + round + ": tensors left open after the race");
            assertThrows(IllegalStateException.class, () -> Ops.softmax(t[0]).close());
        }
    }

    private static void busyWait(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
