package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mltoolkit.api.InvalidConfigurationException;

class LearningRateScheduleTest {

    @Test
    void constantKeepsTheRate() {
        LearningRateSchedule s = LearningRateSchedule.parse("none");
        assertEquals(0.01, s.rate(0.01, 1, 10));
        assertEquals(0.01, s.rate(0.01, 10, 10));
    }

    @Test
    void stepMultipliesByGammaEveryKEpochs() {
        LearningRateSchedule s = LearningRateSchedule.parse("step:2:0.1");
        assertEquals(1.0, s.rate(1.0, 1, 10));
        assertEquals(1.0, s.rate(1.0, 2, 10));
        assertEquals(0.1, s.rate(1.0, 3, 10), 1e-15);
        assertEquals(0.01, s.rate(1.0, 5, 10), 1e-15);
        assertEquals(new LearningRateSchedule.Step(5, 0.5), LearningRateSchedule.parse("step"));
    }

    @Test
    void cosineStartsAtTheInitialRateAndFallsTowardsTheMinimum() {
        LearningRateSchedule s = LearningRateSchedule.parse("cosine");
        assertEquals(1.0, s.rate(1.0, 1, 4), 1e-15);
        assertEquals(0.5, s.rate(1.0, 3, 4), 1e-15);
        double last = s.rate(1.0, 4, 4);
        assertTrue(last > 0 && last < 0.5, "last epoch rate " + last);
        assertEquals(0.1 + 0.9 * 0.5, LearningRateSchedule.parse("cosine:0.1").rate(1.0, 3, 4), 1e-15);
    }

    @Test
    void specsRoundTrip() {
        for (String spec : new String[] {"none", "step:3:0.25", "cosine:0.001"}) {
            assertEquals(spec, LearningRateSchedule.parse(spec).spec());
        }
        assertInstanceOf(LearningRateSchedule.Cosine.class, LearningRateSchedule.parse("COSINE"));
    }

    @Test
    void badSpecsNameTheSettingAndValue() {
        for (String bad : new String[] {"linear", "step:0", "step:2:-1", "step:x", "cosine:-1", "none:3"}) {
            InvalidConfigurationException e =
                    assertThrows(InvalidConfigurationException.class, () -> LearningRateSchedule.parse(bad), bad);
            assertEquals("lrSchedule", e.getSetting());
        }
    }
}
