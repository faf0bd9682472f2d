package org.mltoolkit.core.engine;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/** What the engine does with one batch; normally {@link org.mltoolkit.api.Trainer#step(Batch)}. */
@FunctionalInterface
public interface StepFunction {
    StepResult step(Batch batch);
}
