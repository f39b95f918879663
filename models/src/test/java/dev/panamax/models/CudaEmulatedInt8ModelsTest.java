package dev.panamax.models;

/**
 * The INT8 model checks on cuda:0 of the CUDA emulator: the models module's cuda-emulated
 * Surefire execution runs it in a JVM whose libcuda is the emulator (on a machine with a GPU, on
 * the real one when panamax.cuda.library is unset).
 */
class CudaEmulatedInt8ModelsTest extends Int8ModelChecks {
    @Override
    String spec() {
        return "cuda:0";
    }
}
