package dev.panamax.opencl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the OpenCL objects one device holds (buffers, the sub-buffers of view arguments, programs,
 * kernels, events), so that tests can check that work leaves none behind. Kernels kept in a
 * program's pool for reuse count too: they are bounded by the number of threads launching at once.
 */
final class ClLive {
    final AtomicLong buffers = new AtomicLong();
    final AtomicLong subBuffers = new AtomicLong();
    final AtomicLong programs = new AtomicLong();
    final AtomicLong kernels = new AtomicLong();
    final AtomicLong events = new AtomicLong();

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("buffers", buffers.get());
        m.put("sub-buffers", subBuffers.get());
        m.put("programs", programs.get());
        m.put("kernels", kernels.get());
        m.put("events", events.get());
        return m;
    }
}
