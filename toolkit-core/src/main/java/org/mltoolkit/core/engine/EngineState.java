package org.mltoolkit.core.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/**
 * The mutable state of an {@link Engine} run, shared with every handler (like Ignite's {@code engine.state}).
 * Metrics publish their current values in {@link #metrics()} under their names (see
 * {@code org.mltoolkit.core.metrics.MetricSet}) and the run records each finished epoch in {@link #history()}.
 */
public final class EngineState {
    private int epoch;
    private int maxEpochs;
    private long iteration;
    private int epochIteration;
    private int batchesPerEpoch;
    private int examplesPerEpoch;
    private int epochExamples;
    private int validationExamples;
    private int validatedExamples;
    private Batch batch;
    private StepResult output;
    private double learningRate = Double.NaN;
    private double epochTrainSeconds;
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final List<EpochMetrics> history = new ArrayList<>();
    private EpochMetrics lastEpoch;
    private double bestValidLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private Throwable exception;
    private String terminationReason;

    EngineState() {}

    /** How many examples the current (or last) validation pass visits; 0 before the first pass. */
    public int validationExamples() {
        return validationExamples;
    }

    /** How many examples the current validation pass has visited so far. */
    public int validatedExamples() {
        return validatedExamples;
    }

    /**
     * Records the progress of a validation pass: {@code done} of {@code total} examples. Set by the run that
     * validates (which fires {@link Event#VALIDATION_STARTED} and {@link Event#VALIDATION_ITERATION_COMPLETED}
     * around it); handlers only read it. Throws IllegalArgumentException when {@code done} is outside
     * {@code 0..total}, since a progress bar could not show it.
     */
    public void validationProgress(int done, int total) {
        if (total < 0 || done < 0 || done > total) {
            throw new IllegalArgumentException("validation progress " + done + " of " + total);
        }
        validationExamples = total;
        validatedExamples = done;
    }

    /** The current epoch, 1-based; the last completed one after the run. */
    public int epoch() {
        return epoch;
    }

    void epoch(int value) {
        epoch = value;
    }

    /** The total number of epochs of the run (a resumed run counts the epochs before it). */
    public int maxEpochs() {
        return maxEpochs;
    }

    void maxEpochs(int value) {
        maxEpochs = value;
    }

    /** Training steps since epoch 1 began, counting those before a resume. */
    public long iteration() {
        return iteration;
    }

    void iteration(long value) {
        iteration = value;
    }

    /** Training steps done in the current epoch. */
    public int epochIteration() {
        return epochIteration;
    }

    void epochIteration(int value) {
        epochIteration = value;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    void batchesPerEpoch(int value) {
        batchesPerEpoch = value;
    }

    public int examplesPerEpoch() {
        return examplesPerEpoch;
    }

    void examplesPerEpoch(int value) {
        examplesPerEpoch = value;
    }

    /** Examples trained on so far in the current epoch (all of them once it is complete). */
    public int epochExamples() {
        return epochExamples;
    }

    void epochExamples(int value) {
        epochExamples = value;
    }

    /** The batch of the last step; its arrays are reused by the next one. */
    public Batch batch() {
        return batch;
    }

    void batch(Batch value) {
        batch = value;
    }

    /** What the last step returned. */
    public StepResult output() {
        return output;
    }

    void output(StepResult value) {
        output = value;
    }

    /** The learning rate in use, as the schedule set it; NaN before the first epoch starts. */
    public double learningRate() {
        return learningRate;
    }

    public void learningRate(double value) {
        learningRate = value;
    }

    /** Seconds the current (or last) epoch's training loop took, validation excluded. */
    public double epochTrainSeconds() {
        return epochTrainSeconds;
    }

    void epochTrainSeconds(double value) {
        epochTrainSeconds = value;
    }

    /** Live metrics by name; handlers put and read values here. */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /** The value of a metric, or NaN when no handler has published it yet. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    /** Every finished epoch's metrics, oldest first, including epochs before a resume. Read-only view. */
    public List<EpochMetrics> history() {
        return Collections.unmodifiableList(history);
    }

    /** Appends a finished epoch's metrics and makes it {@link #lastEpoch()}. */
    public void recordEpoch(EpochMetrics metrics) {
        history.add(metrics);
        lastEpoch = metrics;
    }

    /** Restores the history of the epochs before a resume; the state must have none yet. */
    public void restoreHistory(List<EpochMetrics> previous) {
        if (!history.isEmpty()) {
            throw new IllegalStateException("history already holds " + history.size() + " epochs");
        }
        history.addAll(previous);
        lastEpoch = previous.isEmpty() ? null : previous.get(previous.size() - 1);
    }

    /** The newest finished epoch's metrics, or null before the first. */
    public EpochMetrics lastEpoch() {
        return lastEpoch;
    }

    /** The lowest validation loss so far (positive infinity before the first validation). */
    public double bestValidLoss() {
        return bestValidLoss;
    }

    /** The epoch that reached {@link #bestValidLoss()}, or 0 before the first validation. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public void best(int epochNumber, double validLoss) {
        bestEpoch = epochNumber;
        bestValidLoss = validLoss;
    }

    /** What a step or handler threw; set before {@link Event#EXCEPTION_RAISED} fires. */
    public Throwable exception() {
        return exception;
    }

    void exception(Throwable value) {
        exception = value;
    }

    /** Why a handler ended the run early, or null if it was not ended early. */
    public String terminationReason() {
        return terminationReason;
    }

    void terminationReason(String value) {
        terminationReason = value;
    }
}
