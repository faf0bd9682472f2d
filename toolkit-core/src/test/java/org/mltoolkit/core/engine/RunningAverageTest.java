package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.StepResult;

class RunningAverageTest {

    @Test
    void theFirstValueIsTakenAsIsAndLaterOnesAreSmoothed() {
        RunningAverage avg = new RunningAverage(0.98);
        assertTrue(Double.isNaN(avg.value()));
        assertEquals(2.0, avg.update(2.0));
        assertEquals(0.98 * 2.0 + 0.02 * 4.0, avg.update(4.0), 1e-15);
        double expected = 0.98 * (0.98 * 2.0 + 0.02 * 4.0) + 0.02 * 1.0;
        assertEquals(expected, avg.update(1.0), 1e-15);
        avg.reset();
        assertEquals(10.0, avg.update(10.0));
    }

    @Test
    void alphaOutsideTheOpenUnitIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RunningAverage(1.0));
        assertThrows(IllegalArgumentException.class, () -> new RunningAverage(0.0));
    }

    @Test
    void attachedAveragesResetAtEachEpochStart() {
        // Losses 1..4 in epoch 1, 10..13 in epoch 2 (batches of one example, one per step).
        List<Double> losses = new ArrayList<>(List.of(1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0, 13.0));
        Engine engine = new Engine(batch -> new StepResult(losses.remove(0), 1, 5.0, 0.5));
        RunningAverage.attachTrainingMetrics(engine, 0.98);
        List<Double> endOfEpoch = new ArrayList<>();
        List<Double> firstOfEpoch = new ArrayList<>();
        engine.on(Event.ITERATION_COMPLETED, e -> {
            if (e.state().epochIteration() == 1) {
                firstOfEpoch.add(e.state().metric(MetricNames.LOSS));
            }
        });
        engine.on(Event.EPOCH_COMPLETED, e -> endOfEpoch.add(e.state().metric(MetricNames.LOSS)));
        engine.run(EngineTest.source(4, 1), 0, 2);
        assertEquals(List.of(1.0, 10.0), firstOfEpoch);
        double e1 = 1.0;
        for (double x : new double[] {2, 3, 4}) {
            e1 = 0.98 * e1 + 0.02 * x;
        }
        assertEquals(e1, endOfEpoch.get(0), 1e-12);
        assertEquals(1.0, engine.state().metric(MetricNames.ACCURACY));
        assertEquals(5.0, engine.state().metric(MetricNames.PARAM_NORM), 1e-12);
    }
}
