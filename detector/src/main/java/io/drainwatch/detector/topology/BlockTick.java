package io.drainwatch.detector.topology;

/**
 * A stage's progress, handed to the next stage in every partition: source {@code source} (a partition of
 * the stage's input) of {@code sources} has handed on every event of chain {@code chainId} through
 * {@code block}.
 */
record BlockTick(long chainId, long block, int source, int sources) {}
