package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.core.engine.BatchSource;
import org.mltoolkit.core.engine.EarlyStopping;
import org.mltoolkit.core.engine.Engine;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.Evaluator;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.engine.EventHandler;
import org.mltoolkit.core.engine.LearningRateSchedule;
import org.mltoolkit.core.engine.NonFiniteLossException;
import org.mltoolkit.core.engine.NonFiniteLossGuard;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.metrics.ValidLoss;

/**
 * The engine of one run with the run's handlers attached: the learning-rate schedule, the metrics, the
 * non-finite loss guard, the validation after every epoch, the checkpoint policy, {@code metrics.jsonl}, early
 * stopping and the caller's handlers (which come after the run's own for each event, except that the validation
 * runs after all of {@link Event#EPOCH_COMPLETED}'s handlers, so that they see the epoch before its validation, and
 * fires {@link Event#VALIDATION_STARTED}, {@link Event#VALIDATION_ITERATION_COMPLETED} after each of its batches and
 * {@link Event#VALIDATION_COMPLETED}).
 */
final class TrainingLoop {
    private final Engine engine;
    private final TrainingConfig config;
    private final RunDirectory directory;

    /** Attaches the run's handlers and the caller's {@code handlers}. */
    TrainingLoop(
            TrainingConfig config,
            Model model,
            Trainer trainer,
            MetricSet metrics,
            Evaluator validator,
            CheckpointPolicy policy,
            RunDirectory directory,
            List<Map.Entry<Event, EventHandler>> handlers) {
        this.engine = new Engine(trainer::step);
        this.config = config;
        this.directory = directory;
        LearningRateSchedule schedule = LearningRateSchedule.parse(config.lrSchedule());
        engine.on(Event.EPOCH_STARTED, e -> {
            double rate = schedule.rate(config.learningRate(), e.state().epoch(), config.epochs());
            trainer.setLearningRate(rate);
            e.state().learningRate(rate);
        });
        metrics.attach(engine);
        NonFiniteLossGuard.attach(engine, ValidLoss.NAME);
        engine.on(Event.VALIDATION_COMPLETED, policy);
        engine.on(
                Event.VALIDATION_COMPLETED,
                e -> directory.writeMetrics(e.state().history()));
        if (config.patience() > 0) {
            EarlyStopping.attach(engine, ValidLoss.NAME, config.patience(), config.minDelta());
        }
        for (Map.Entry<Event, EventHandler> h : handlers) {
            engine.on(h.getKey(), h.getValue());
        }
        engine.on(Event.EPOCH_COMPLETED, e -> {
            EngineState s = e.state();
            int total = validator.examples();
            s.validationProgress(0, total);
            e.fire(Event.VALIDATION_STARTED);
            metrics.validate(validator, model, s, batch -> {
                s.validationProgress(s.validatedExamples() + batch.size(), total);
                e.fire(Event.VALIDATION_ITERATION_COMPLETED);
            });
            s.recordEpoch(metrics.row(s.epoch()));
            e.fire(Event.VALIDATION_COMPLETED);
        });
    }

    /**
     * Trains the epochs {@code resume} leaves to do over {@code batches}, after restoring its history into the
     * engine's state and {@code metrics.jsonl}. Returns the state. A non-finite loss ends the run with a
     * NonFiniteLossException that also says which best checkpoint is left.
     */
    EngineState run(BatchSource batches, ResumePlan resume) {
        EngineState state = engine.state();
        int completed = resume.restoreProgress(state);
        directory.writeMetrics(state.history());
        try {
            return engine.run(batches, completed, config.epochs());
        } catch (NonFiniteLossException e) {
            String kept = state.bestEpoch() > 0
                    ? "the best checkpoint " + Path.of(config.bestCheckpoint()) + " (epoch " + state.bestEpoch()
                            + ") is untouched"
                    : "no checkpoint was written";
            throw new NonFiniteLossException(e.getMessage() + "; " + kept, e.getEpoch(), e);
        }
    }
}
