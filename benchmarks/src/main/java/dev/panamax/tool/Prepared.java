package dev.panamax.tool;

/** A case made ready on one device: inputs uploaded, outputs allocated. */
interface Prepared extends AutoCloseable {

    /** Queues the op once (it may run asynchronously; the caller synchronizes). */
    void run();

    /** Checks the result of the last {@link #run} against the float64 reference on a sample. */
    Verdict check();

    /** Frees every tensor of the case. */
    @Override
    void close();
}
