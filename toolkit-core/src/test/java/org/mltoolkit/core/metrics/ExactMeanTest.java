package org.mltoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;

class ExactMeanTest {
    private static Batch batch(int... labels) {
        return new Batch(new float[labels.length], labels, labels.length, new ExampleShape(1, 1, 1), InputLayout.FLAT);
    }

    @Test
    void validationLossAndAccuracyAreExactOverEveryExampleOfThePass() {
        ValidLoss loss = new ValidLoss();
        ValidAccuracy accuracy = new ValidAccuracy();
        ValidSeconds seconds = new ValidSeconds();
        for (Metric m : new Metric[] {loss, accuracy, seconds}) {
            m.reset();
        }
        assertTrue(Double.isNaN(loss.compute()) && Double.isNaN(seconds.compute()), "nothing measured yet");
        // Two classes. Batch 1: two examples, right with p=0.5 and wrong; batch 2: one example, right with p=0.25
        // (of a larger buffer whose rest must be ignored).
        float ln5 = (float) Math.log(0.5);
        float[] first = {ln5, ln5 - 1, (float) Math.log(0.9), (float) Math.log(0.1)};
        float[] second = {(float) Math.log(0.75), (float) Math.log(0.25), 99, 99};
        Batch b1 = batch(0, 1);
        Batch b2 = batch(1);
        for (ValidationMetric m : new ValidationMetric[] {loss, accuracy, seconds}) {
            m.update(b1, first, 2);
            m.update(b2, second, 2);
        }
        double nll = -(first[0] + first[3] + second[1]);
        assertEquals(nll / 3, loss.compute(), 1e-6);
        assertEquals(1.0 / 3, accuracy.compute(), 1e-15);
        assertTrue(seconds.compute() >= 0);
        loss.reset();
        assertTrue(Double.isNaN(loss.compute()));
    }
}
