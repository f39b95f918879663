package dev.panamax.cpu;

/**
 * Which path the CPU kernels take, chosen once per JVM: the Vector API when the module
 * {@code jdk.incubator.vector} is in the boot layer (run with {@code --add-modules
 * jdk.incubator.vector}) and {@code panamax.cpu.vector} is not {@code false}; scalar Java
 * otherwise. The choice is logged once through System.Logger "dev.panamax". This class never
 * touches a Vector API type, so the scalar path runs on JVMs without the module; Vector API code
 * lives in the {@code Vector*} classes, loaded only when {@link #VECTOR} is true.
 */
final class CpuSimd {
    /** True when the kernels use the Vector API. */
    static final boolean VECTOR;
    /** Why, in a few words: "Vector API, 512-bit FloatVector" or "scalar Java (...)". */
    static final String DESCRIPTION;

    static {
        String reason = null;
        String opt = System.getProperty("panamax.cpu.vector");
        if (opt != null && opt.trim().equalsIgnoreCase("false")) {
            reason = "panamax.cpu.vector=false";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            reason = "module jdk.incubator.vector not resolved; run with --add-modules jdk.incubator.vector";
        }
        String description;
        if (reason == null) {
            int bits = VectorInfo.floatBits();
            if (bits >= 128) {
                description = "Vector API, " + bits + "-bit FloatVector";
            } else {
                reason = "the Vector API prefers " + bits + "-bit vectors on this machine";
                description = null;
            }
        } else {
            description = null;
        }
        VECTOR = reason == null;
        DESCRIPTION = VECTOR ? description : "scalar Java (" + reason + ")";
        System.getLogger("dev.panamax").log(System.Logger.Level.INFO,
                "Panamax CPU kernels: " + DESCRIPTION);
    }

    private CpuSimd() {
    }
}
