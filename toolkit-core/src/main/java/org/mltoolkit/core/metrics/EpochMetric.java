package org.mltoolkit.core.metrics;

import org.mltoolkit.core.engine.EngineState;

/**
 * A metric of the epoch as a whole, taken from the engine's state once its training ends (before validation):
 * the learning rate it used, its time, its speed. Reset when the epoch starts.
 */
public non-sealed interface EpochMetric extends Metric {

    /** Takes in the finished epoch's training: {@code state} is read, not changed. */
    void update(EngineState state);
}
