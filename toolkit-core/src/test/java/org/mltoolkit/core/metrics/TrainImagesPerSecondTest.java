package org.mltoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.core.engine.Engine;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.testing.Batches;

class TrainImagesPerSecondTest {

    @Test
    void isTheExamplesTrainedOverTheSecondsOfTheEpochsTrainingLoop() {
        Engine engine = new Engine(batch -> {
            busy(2_000_000);
            return new StepResult(1, 1, 1, 1);
        });
        TrainImagesPerSecond speed = new TrainImagesPerSecond();
        List<Double> values = new ArrayList<>();
        engine.on(Event.EPOCH_STARTED, e -> speed.reset());
        engine.on(Event.EPOCH_COMPLETED, e -> {
            speed.update(e.state());
            values.add(speed.compute());
            EngineState s = e.state();
            assertEquals(s.epochExamples() / s.epochTrainSeconds(), speed.compute(), 1e-9);
        });
        engine.run(Batches.repeated(5, 16), 0, 2);

        assertEquals(2, values.size());
        for (double v : values) {
            assertTrue(v > 0 && Double.isFinite(v), "images per second " + v);
        }
        assertEquals(80, engine.state().epochExamples());
    }

    @Test
    void anEpochEndedEarlyCountsOnlyTheExamplesItTrainedOn() {
        Engine engine = new Engine(batch -> {
            busy(1_000_000);
            return new StepResult(1, 1, 1, 1);
        });
        engine.on(Event.ITERATION_COMPLETED, e -> {
            if (e.state().epochIteration() == 2) {
                e.terminate("enough");
            }
        });
        TrainImagesPerSecond speed = new TrainImagesPerSecond();
        engine.on(Event.EPOCH_COMPLETED, e -> speed.update(e.state()));
        EngineState state = engine.run(Batches.repeated(5, 16), 0, 1);

        assertEquals(32, state.epochExamples());
        assertEquals(32 / state.epochTrainSeconds(), speed.compute(), 1e-9);
    }

    @Test
    void isUnknownBeforeTheEpochEnds() {
        TrainImagesPerSecond speed = new TrainImagesPerSecond();
        assertTrue(Double.isNaN(speed.compute()));
        assertEquals("train_images_per_second", speed.name());
    }

    /** Spends about {@code nanos} of wall-clock time, so that a step takes measurable time. */
    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
