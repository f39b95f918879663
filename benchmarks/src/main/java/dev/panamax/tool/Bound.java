package dev.panamax.tool;

/** What limits an op: arithmetic (rated in FLOP/s) or memory traffic (rated in bytes/s). */
enum Bound {
    COMPUTE,
    MEMORY
}
