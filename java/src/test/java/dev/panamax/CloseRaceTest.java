package dev.panamax;

import dev.panamax.internal.DeviceHandle;
import dev.panamax.internal.TensorImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A close racing with ops on another thread: every op either completes or throws
 * {@link IllegalStateException}, never anything else and never a crash; once close has returned,
 * every op throws; a device's close frees every tensor made through it, the results of ops that
 * raced with it included; nothing stays allocated.
 */
class CloseRaceTest {
    private static final int ROUNDS = 300;

    /**
     * The ops a worker cycles through, on x [64, 1024], a [128, 128], c [128, 128], h [1, 4, 256, 64]
     * (and views of x and a); each returns what it made on the device.
     */
    private static final List<Function<Tensor[], List<Tensor>>> OPS = List.of(
            t -> List.of(Ops.softmax(t[0])),
            t -> List.of(Ops.matmul(t[1], t[1])),
            t -> {
                t[0].toFloatArray();
                return List.of();
            },
            t -> List.of(t[0].to(DType.F16)),
            t -> {
                t[0].to(Device.cpu()).close();
                return List.of();
            },
            t -> {
                TopK k = Ops.topK(t[0], 4);
                return List.of(k.values(), k.indices());
            },
            t -> {
                Ops.softmax(t[0], t[0]);
                return List.of();
            },
            t -> {
                Ops.gemm(1, t[1], false, t[1], true, 0, t[2]);
                return List.of();
            },
            t -> List.of(Ops.attention(t[3], t[3], t[3], true)),
            t -> {
                try (Tensor rows = t[0].slice(1, 63); Tensor flat = rows.reshape(-1, 512); // views racing with the close
                     Tensor weights = t[1].reshape(512, 32)) {
                    Ops.softmax(flat, flat);
                    return List.of(Ops.matmul(flat, weights));
                }
            });

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
            List<Tensor> results = new ArrayList<>();
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
                        results.addAll(OPS.get((first + i) % OPS.size()).apply(t));
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
            if (closeDevice) {
                for (Tensor r : results) {
                    if (!((TensorImpl) r).isClosed()) {
                        throw new AssertionError("round " + round + ": " + r + ", made by an op racing with the device's "
                                + "close, is still open after close returned");
                    }
                }
            }
            results.forEach(Tensor::close);
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
