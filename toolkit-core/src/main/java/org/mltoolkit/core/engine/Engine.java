package org.mltoolkit.core.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mltoolkit.api.Batch;

/**
 * An event-driven training loop in the spirit of PyTorch-Ignite's {@code Engine}: it runs the step function
 * over every batch of every epoch and fires {@link Event}s to the handlers attached with
 * {@link #on(Event, EventHandler)}, in the order they were attached. Everything else (metrics, validation,
 * checkpoints, reporting, early stopping) is a handler.
 *
 * <p>Not thread-safe: one run at a time, on the calling thread.
 */
public final class Engine {
    private final StepFunction step;
    private final Map<Event, List<EventHandler>> handlers = new EnumMap<>(Event.class);
    private final EngineState state = new EngineState();
    private boolean terminateRequested;

    public Engine(StepFunction step) {
        this.step = Objects.requireNonNull(step, "step");
    }

    /** Attaches {@code handler} to {@code event}, after those already attached; returns this engine. */
    public Engine on(Event event, EventHandler handler) {
        handlers.computeIfAbsent(Objects.requireNonNull(event, "event"), e -> new ArrayList<>())
                .add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Calls the handlers of {@code event} now; handlers use it to fire {@link Event#VALIDATION_COMPLETED}. */
    public void fire(Event event) {
        for (EventHandler handler : handlers.getOrDefault(event, List.of())) {
            handler.handle(this);
        }
    }

    public EngineState state() {
        return state;
    }

    /**
     * Asks the loop to stop: the current epoch's remaining events still fire (an iteration-level request
     * ends the epoch after the current step), then {@link Event#COMPLETED} fires.
     */
    public void terminate(String reason) {
        terminateRequested = true;
        state.terminationReason(reason);
    }

    public boolean isTerminating() {
        return terminateRequested;
    }

    /**
     * Trains epochs {@code completedEpochs + 1} to {@code maxEpochs} over {@code source}. Throws whatever the
     * step or a handler throws, after firing {@link Event#EXCEPTION_RAISED}.
     *
     * @return the state, which holds the metrics the handlers recorded
     */
    public EngineState run(BatchSource source, int completedEpochs, int maxEpochs) {
        if (completedEpochs < 0 || maxEpochs < completedEpochs) {
            throw new IllegalArgumentException("cannot run epochs " + (completedEpochs + 1) + " to " + maxEpochs);
        }
        state.maxEpochs(maxEpochs);
        state.epoch(completedEpochs);
        state.batchesPerEpoch(source.batchesPerEpoch());
        state.examplesPerEpoch(source.examples());
        state.iteration((long) completedEpochs * source.batchesPerEpoch());
        try {
            fire(Event.STARTED);
            while (state.epoch() < maxEpochs && !terminateRequested) {
                state.epoch(state.epoch() + 1);
                state.epochIteration(0);
                state.epochExamples(0);
                fire(Event.EPOCH_STARTED);
                long start = System.nanoTime();
                long handlerNanos = 0;
                Iterator<Batch> batches = source.batches(state.epoch());
                while (batches.hasNext() && !terminateRequested) {
                    Batch batch = batches.next();
                    state.batch(batch);
                    state.output(step.step(batch));
                    state.iteration(state.iteration() + 1);
                    state.epochIteration(state.epochIteration() + 1);
                    state.epochExamples(state.epochExamples() + batch.size());
                    long handlersStart = System.nanoTime();
                    fire(Event.ITERATION_COMPLETED);
                    handlerNanos += System.nanoTime() - handlersStart;
                }
                // The training time excludes the iteration handlers (progress bars, logging) so that it
                // measures what the reference's per-epoch figures measure: batches and steps.
                state.epochTrainSeconds((System.nanoTime() - start - handlerNanos) / 1e9);
                fire(Event.EPOCH_COMPLETED);
            }
            fire(Event.COMPLETED);
            return state;
        } catch (RuntimeException | Error e) {
            state.exception(e);
            try {
                fire(Event.EXCEPTION_RAISED);
            } catch (RuntimeException | Error inHandler) {
                e.addSuppressed(inHandler);
            }
            throw e;
        }
    }
}
