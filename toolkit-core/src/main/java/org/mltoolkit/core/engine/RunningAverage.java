package org.mltoolkit.core.engine;

import java.util.function.ToDoubleFunction;

/**
 * An exponential running average, like Ignite's {@code RunningAverage}: the first value is taken as is, each
 * later one gives {@code avg = alpha * avg + (1 - alpha) * value}. Attached to an engine it resets at each
 * epoch start and publishes its value under its name after every iteration.
 */
public final class RunningAverage {
    /** The smoothing factor the reference uses. */
    public static final double DEFAULT_ALPHA = 0.98;

    private final double alpha;
    private double value = Double.NaN;
    private boolean empty = true;

    /** Throws IllegalArgumentException unless {@code 0 < alpha < 1}. */
    public RunningAverage(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Adds a value and returns the new average. */
    public double update(double x) {
        if (empty) {
            value = x;
            empty = false;
        } else {
            value = alpha * value + (1 - alpha) * x;
        }
        return value;
    }

    /** The current average, or NaN before the first value. */
    public double value() {
        return value;
    }

    /** Forgets every value. */
    public void reset() {
        value = Double.NaN;
        empty = true;
    }

    /**
     * Attaches a new running average of {@code source} to {@code engine}: reset at {@link Event#EPOCH_STARTED},
     * updated and published as {@code engine.state().metrics().get(name)} at {@link Event#ITERATION_COMPLETED}.
     */
    public static RunningAverage attach(
            Engine engine, String name, double alpha, ToDoubleFunction<EngineState> source) {
        RunningAverage average = new RunningAverage(alpha);
        engine.on(Event.EPOCH_STARTED, e -> {
            average.reset();
            e.state().metrics().remove(name);
        });
        engine.on(
                Event.ITERATION_COMPLETED,
                e -> e.state().metrics().put(name, average.update(source.applyAsDouble(e.state()))));
        return average;
    }

    /** Attaches the four training averages of the reference: loss, accuracy, |param| and |g_param|. */
    public static void attachTrainingMetrics(Engine engine, double alpha) {
        attach(engine, MetricNames.LOSS, alpha, s -> s.output().loss());
        attach(
                engine,
                MetricNames.ACCURACY,
                alpha,
                s -> (double) s.output().correct() / s.batch().size());
        attach(engine, MetricNames.PARAM_NORM, alpha, s -> s.output().parameterNorm());
        attach(engine, MetricNames.GRAD_NORM, alpha, s -> s.output().gradientNorm());
    }
}
