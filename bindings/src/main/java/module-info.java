/**
 * FFM bindings in jextract's output shape: one header class per C library, symbols linked lazily.
 * Generated-style code with no logic; only the core module reads it.
 */
module dev.panamax.bindings {
    exports dev.panamax.bindings.opencl to dev.panamax;
    exports dev.panamax.bindings.cuda to dev.panamax;
}
