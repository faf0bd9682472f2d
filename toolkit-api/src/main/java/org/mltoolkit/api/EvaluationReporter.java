package org.mltoolkit.api;

/**
 * A model that reports its own evaluation: given the predictions the core computed for a labelled set, it
 * returns a {@link ClassificationReport} from the evaluator its plugin uses (the {@code fc} plugin's models
 * report through Tribuo's {@code LabelEvaluator}). The core shows the report beside its own metrics.
 */
public interface EvaluationReporter {

    /**
     * Evaluates {@code examples}. Mutates neither the model nor the arrays of {@code examples}. Throws
     * IllegalArgumentException when the class names disagree with the model's outputs.
     */
    ClassificationReport evaluationReport(ScoredExamples examples);
}
