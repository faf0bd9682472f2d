package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.core.testing.Batches;

class EngineTest {

    /** {@code batches} one-example batches per epoch of {@code size} examples each. */
    private static Engine recording(List<String> log) {
        Engine engine = new Engine(batch -> new StepResult(0.5, 1, 1, 1));
        for (Event event : Event.values()) {
            engine.on(
                    event,
                    e -> log.add(
                            event + "@" + e.state().epoch() + "." + e.state().epochIteration()));
        }
        return engine;
    }

    @Test
    void eventsFireInIgnitesOrder() {
        List<String> log = new ArrayList<>();
        Engine engine = recording(log);
        EngineState state = engine.run(Batches.repeated(2, 1), 0, 2);
        assertEquals(
                List.of(
                        "STARTED@0.0",
                        "EPOCH_STARTED@1.0",
                        "ITERATION_COMPLETED@1.1",
                        "ITERATION_COMPLETED@1.2",
                        "EPOCH_COMPLETED@1.2",
                        "EPOCH_STARTED@2.0",
                        "ITERATION_COMPLETED@2.1",
                        "ITERATION_COMPLETED@2.2",
                        "EPOCH_COMPLETED@2.2",
                        "COMPLETED@2.2"),
                log);
        assertEquals(4, state.iteration());
    }

    @Test
    void aResumedRunStartsAfterTheCompletedEpochsAndCountsTheirIterations() {
        List<String> log = new ArrayList<>();
        Engine engine = recording(log);
        engine.run(Batches.repeated(3, 1), 2, 3);
        assertEquals("EPOCH_STARTED@3.0", log.get(1));
        assertEquals(9, engine.state().iteration());
    }

    @Test
    void terminateEndsTheRunAfterTheCurrentEpoch() {
        List<String> log = new ArrayList<>();
        Engine engine = recording(log);
        engine.on(Event.EPOCH_COMPLETED, e -> e.terminate("enough"));
        EngineState state = engine.run(Batches.repeated(2, 1), 0, 5);
        assertEquals(1, state.epoch());
        assertEquals("enough", state.terminationReason());
        assertEquals("COMPLETED@1.2", log.get(log.size() - 1));
    }

    @Test
    void anExceptionFiresExceptionRaisedAndIsRethrown() {
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Engine engine = new Engine(batch -> {
            throw boom;
        });
        engine.on(Event.EXCEPTION_RAISED, e -> log.add(e.state().exception().getMessage()));
        engine.on(Event.COMPLETED, e -> log.add("completed"));
        IllegalStateException thrown =
                assertThrows(IllegalStateException.class, () -> engine.run(Batches.repeated(2, 1), 0, 1));
        assertSame(boom, thrown);
        assertEquals(List.of("boom"), log);
    }

    @Test
    void handlersCanFireValidationCompletedFromEpochCompleted() {
        List<String> log = new ArrayList<>();
        Engine engine = new Engine(batch -> new StepResult(0.5, 1, 1, 1));
        engine.on(Event.EPOCH_COMPLETED, e -> {
            log.add("validate " + e.state().epoch());
            e.fire(Event.VALIDATION_COMPLETED);
        });
        engine.on(
                Event.VALIDATION_COMPLETED,
                e -> log.add("validated " + e.state().epoch()));
        engine.run(Batches.repeated(1, 1), 0, 2);
        assertEquals(List.of("validate 1", "validated 1", "validate 2", "validated 2"), log);
    }
}
