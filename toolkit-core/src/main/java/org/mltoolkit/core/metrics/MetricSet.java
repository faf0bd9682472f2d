package org.mltoolkit.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Model;
import org.mltoolkit.core.engine.Engine;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.Evaluator;
import org.mltoolkit.core.engine.Event;

/**
 * The metrics a run records, in order: the one list from which the engine updates them, each epoch's row of
 * {@code metrics.jsonl} and of the checkpoints' histories is made, and the epoch lines and the progress bar are
 * printed. Holds the metric objects themselves, so a set belongs to one run at a time.
 */
public final class MetricSet {
    private final List<Metric> metrics;

    private MetricSet(List<Metric> metrics) {
        Map<String, Metric> byName = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            String name = metric.name();
            if (name == null || !name.matches("[a-z][a-z0-9_]*") || name.equals("epoch")) {
                throw new IllegalArgumentException("a metric's name must be snake_case and not 'epoch', got " + name
                        + " from " + metric.getClass().getName());
            }
            if (byName.put(name, metric) != null) {
                throw new IllegalArgumentException("two metrics are called '" + name + "'");
            }
        }
        this.metrics = List.copyOf(metrics);
    }

    /**
     * The reference's metrics, in the order {@code metrics.jsonl} lists them: the running averages of the training
     * loss, accuracy and norms, the exact validation loss and accuracy, then the learning rate, the epoch's
     * training and validation time, and its training speed.
     */
    public static MetricSet standard() {
        return new MetricSet(List.of(
                new TrainLoss(),
                new TrainAccuracy(),
                new ParamNorm(),
                new GradNorm(),
                new ValidLoss(),
                new ValidAccuracy(),
                new LearningRate(),
                new TrainSeconds(),
                new ValidSeconds(),
                new TrainImagesPerSecond()));
    }

    /** This set followed by {@code more}. Throws IllegalArgumentException for a bad or repeated name. */
    public MetricSet with(Metric... more) {
        List<Metric> all = new ArrayList<>(metrics);
        Collections.addAll(all, more);
        return new MetricSet(all);
    }

    /** Every metric, in order. */
    public List<Metric> all() {
        return metrics;
    }

    /** The metrics of a given kind ({@code TrainingMetric.class}, say), in order. */
    public <M extends Metric> List<M> ofKind(Class<M> kind) {
        return metrics.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * Has {@code engine} keep the training and epoch metrics: reset when an epoch starts, the training metrics
     * updated after every step and the epoch metrics when the epoch's training ends, each value published in
     * {@link EngineState#metrics()} under the metric's name. Attach before any handler that reads them.
     */
    public void attach(Engine engine) {
        List<TrainingMetric> training = ofKind(TrainingMetric.class);
        List<EpochMetric> epoch = ofKind(EpochMetric.class);
        engine.on(Event.EPOCH_STARTED, e -> {
            for (Metric m : metrics) {
                if (!(m instanceof ValidationMetric)) {
                    m.reset();
                    e.state().metrics().remove(m.name());
                }
            }
        });
        engine.on(Event.ITERATION_COMPLETED, e -> {
            EngineState s = e.state();
            for (TrainingMetric m : training) {
                m.update(s.batch(), s.output());
                s.metrics().put(m.name(), m.compute());
            }
        });
        engine.on(Event.EPOCH_COMPLETED, e -> {
            for (EpochMetric m : epoch) {
                m.update(e.state());
                e.state().metrics().put(m.name(), m.compute());
            }
        });
    }

    /**
     * Runs one validation pass of {@code model} over {@code validator}'s batches through every validation metric
     * and publishes their values in {@code state}'s metrics. After each batch, {@code afterBatch} receives the
     * batch (for progress display; it must not keep it, the next batch reuses its arrays). The model is not changed.
     */
    public void validate(Evaluator validator, Model model, EngineState state, Consumer<Batch> afterBatch) {
        List<ValidationMetric> validation = ofKind(ValidationMetric.class);
        validation.forEach(Metric::reset);
        validator.forEachBatch(model, (batch, logp, k) -> {
            for (ValidationMetric m : validation) {
                m.update(batch, logp, k);
            }
            afterBatch.accept(batch);
        });
        for (ValidationMetric m : validation) {
            state.metrics().put(m.name(), m.compute());
        }
    }

    /** Epoch {@code epoch}'s row: every metric's current value, in order. */
    public EpochMetrics row(int epoch) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Metric m : metrics) {
            values.put(m.name(), m.compute());
        }
        return new EpochMetrics(epoch, values);
    }
}
