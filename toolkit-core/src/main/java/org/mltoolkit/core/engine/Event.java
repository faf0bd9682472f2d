package org.mltoolkit.core.engine;

/** The moments of a training run at which {@link Engine} calls the handlers attached to it. */
public enum Event {
    /** Once, before the first epoch of this run (after a resume: before the first new epoch). */
    STARTED,
    /** Before the first batch of each epoch; {@link EngineState#epoch()} is the new epoch. */
    EPOCH_STARTED,
    /** After each training step; {@link EngineState#output()} holds the step's result. */
    ITERATION_COMPLETED,
    /** After the last training step of an epoch. */
    EPOCH_COMPLETED,
    /**
     * Before the validation pass of an epoch (fired by the run, after every {@link #EPOCH_COMPLETED} handler);
     * {@link EngineState#validationExamples()} holds the pass's size.
     */
    VALIDATION_STARTED,
    /** After each batch of the validation pass; {@link EngineState#validatedExamples()} counts the examples done. */
    VALIDATION_ITERATION_COMPLETED,
    /** After the validation pass of an epoch; {@link EngineState#lastEpoch()} holds the epoch's metrics. */
    VALIDATION_COMPLETED,
    /** Once, when the loop ends normally (all epochs done, or terminated by a handler). */
    COMPLETED,
    /** Once, when a step or a handler threw; {@link EngineState#exception()} holds it, and it is rethrown after. */
    EXCEPTION_RAISED
}
