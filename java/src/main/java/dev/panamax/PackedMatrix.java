package dev.panamax;

/**
 * A constant matrix rearranged once, by {@link Ops#pack}, into the layout its device's GEMM reads
 * fastest, for the many products that follow: the weights of a model, multiplied by a few rows of
 * activations at every call. It holds a copy: the tensor it was packed from may change or be
 * closed afterwards. Its memory is the device's, freed by {@link #close()} or when the device
 * closes; a closed one cannot be used ({@link IllegalStateException}).
 *
 * <p>A stack of matrices (packed from a rank-3 b, one per expert) is for {@code moe}; {@code
 * packedMatmul} takes a single matrix.
 *
 * <p>What "packed" means is the backend's: the CPU stores column strips that its register tiles
 * read as one stream (products of a few rows then run near their in-cache speed instead of
 * waiting on strided reads of a row-major weight); OpenCL and CUDA keep the matrix as given and
 * run their GEMM on it.
 */
public interface PackedMatrix extends AutoCloseable {
    Device device();

    /** The dtype of the matrix it was packed from: the dtype that {@link Ops#packedMatmul(Tensor, PackedMatrix)} takes for a. */
    DType dtype();

    /**
     * [K, N]: the shape of op(b), whatever the layout it was packed from; [E, K, N] for a stack of E
     * matrices packed from a rank-3 b (the experts of {@link Ops#moe(Tensor, Routing, PackedMatrix,
     * PackedMatrix, PackedMatrix)}).
     */
    long[] shape();

    /** Frees the packed copy; idempotent. */
    @Override
    void close();
}
