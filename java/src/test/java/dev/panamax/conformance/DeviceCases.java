package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;

import java.util.List;

/**
 * The base of each group of conformance cases: the device under test, provided by the
 * {@link ConformanceSuite} the group is nested in. A group holds only what every backend must do.
 */
abstract class DeviceCases {
    /** The floating-point dtypes every op takes. */
    static final List<DType> FLOATS = List.of(DType.F32, DType.F16, DType.BF16);

    /** The device under test; open for the whole suite. */
    protected abstract Device device();
}
