package dev.panamax.conformance;

import dev.panamax.Device;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.testing.DeviceUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite every backend passes: each op against the float64 reference on fresh
 * random inputs (the seed is in every failure message; {@code -Dpanamax.seed=N} replays it),
 * awkward shapes, poisoned outputs, empty tensors, conversions and copies, determinism and
 * several threads at once. One tolerance table ({@code Tolerances}) for every backend.
 *
 * <p>A backend adds a thin subclass in its own test package:
 * <pre>{@code
 * class OpenClConformanceTest extends ConformanceSuite {
 *     protected String spec() { return "opencl:0"; }
 * }
 * }</pre>
 * The device is opened once per class ({@link DeviceUnderTest}): where the backend is absent every
 * case is skipped with the reason, unless {@code panamax.require} names it, and then the suite fails.
 * The groups of cases are nested classes (one file each); after every test, every tensor it
 * made on the device must be closed again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {
    private DeviceUnderTest underTest;
    private Device device;
    private int openBefore;

    /** The spec of the device under test, e.g. {@code "cpu"}, {@code "opencl:0"}, {@code "cuda:0"}. */
    protected abstract String spec();

    @BeforeAll
    final void openDevice() {
        underTest = openUnderTest();
        device = underTest.isPresent() ? underTest.get() : null;
    }

    /** Opens the device under test; a subclass may say why it is absent in its own words. */
    protected DeviceUnderTest openUnderTest() {
        return DeviceUnderTest.open(spec());
    }

    @AfterAll
    final void closeDevice() {
        underTest.close();
    }

    /** The device under test (a handle of its own: closing it at the end frees what a failed test left). */
    protected final Device device() {
        return device;
    }

    @BeforeEach
    final void countOpenTensors() {
        underTest.get(); // skips every case, with the reason, where the backend is absent
        openBefore = ((DeviceHandle) device).openTensorCount();
    }

    @AfterEach
    final void everyTensorClosed() {
        if (device == null) {
            return;
        }
        int open = ((DeviceHandle) device).openTensorCount();
        if (open != openBefore) {
            throw new AssertionError("the test left " + (open - openBefore) + " tensor(s) open on " + device.spec()
                    + " (an op that leaks its outputs, or a test without try-with-resources)");
        }
    }

    @Nested
    class Gemm extends GemmCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Softmax extends SoftmaxCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Attention extends AttentionCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Gating extends GatingCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class TopK extends TopKCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Empty extends EmptyCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Conversion extends ConversionCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Tensors extends TensorCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Determinism extends DeterminismCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Concurrency extends ConcurrencyCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    // ---------------------------------------------------------------- attention with kvLengths, out overloads

    @Nested
    class AttentionLengths extends AttentionLengthsCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class NonFinite extends NonFiniteCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    // ---------------------------------------------------------------- views and copyFrom(Tensor)

    @Nested
    class Views extends ViewCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    // ---------------------------------------------------------------- embedding, rope, writeCache

    @Nested
    class Embedding extends EmbeddingCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Rope extends RopeCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Cache extends CacheCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    // ---------------------------------------------------------------- elementwise and norm families

    @Nested
    class Elementwise extends ElementwiseCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Norm extends NormCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    // ---------------------------------------------------------------- the whole-model ops on views; whole blocks

    @Nested
    class ModelOpViews extends ModelOpViewCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Blocks extends BlockCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    // ---------------------------------------------------------------- permute

    @Nested
    class Permute extends PermuteCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Moe extends MoeCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Quant extends QuantCases {
        @Override
        protected Device device() {
            return device;
        }
    }

    @Nested
    class Packed extends PackedCases {
        @Override
        protected Device device() {
            return device;
        }
    }
}
