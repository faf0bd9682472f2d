package org.mltoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.StepResult;

class RunningAverageTest {
    private static final Batch BATCH =
            new Batch(new float[4], new int[4], 4, new ExampleShape(1, 1, 1), InputLayout.FLAT);

    private static StepResult loss(double value) {
        return new StepResult(value, 3, 1, 1);
    }

    @Test
    void theFirstValueIsTakenAsIsAndLaterOnesAreSmoothed() {
        TrainLoss average = new TrainLoss();
        assertTrue(Double.isNaN(average.compute()));
        average.update(BATCH, loss(2.0));
        assertEquals(2.0, average.compute());
        average.update(BATCH, loss(4.0));
        assertEquals(0.98 * 2.0 + 0.02 * 4.0, average.compute(), 1e-15);
        average.update(BATCH, loss(1.0));
        assertEquals(0.98 * (0.98 * 2.0 + 0.02 * 4.0) + 0.02 * 1.0, average.compute(), 1e-15);
        average.reset();
        assertTrue(Double.isNaN(average.compute()));
        average.update(BATCH, loss(10.0));
        assertEquals(10.0, average.compute());
    }

    @Test
    void eachTrainingMetricAveragesItsOwnValueOfAStep() {
        StepResult step = new StepResult(0.5, 3, 12.0, 0.25);
        TrainAccuracy accuracy = new TrainAccuracy();
        ParamNorm param = new ParamNorm();
        GradNorm grad = new GradNorm();
        accuracy.update(BATCH, step);
        param.update(BATCH, step);
        grad.update(BATCH, step);
        assertEquals(0.75, accuracy.compute());
        assertEquals(12.0, param.compute());
        assertEquals(0.25, grad.compute());
    }

    @Test
    void alphaOutsideTheOpenUnitIntervalIsRefused() {
        for (double alpha : new double[] {0.0, 1.0, Double.NaN}) {
            assertThrows(
                    IllegalArgumentException.class, () -> new RunningAverage("x", MetricFormat.recordedOnly(), alpha) {
                        @Override
                        protected double valueOf(Batch batch, StepResult step) {
                            return 0;
                        }
                    });
        }
    }
}
