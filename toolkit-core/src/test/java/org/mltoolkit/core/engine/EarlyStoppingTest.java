package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    private static List<EpochMetrics> history(double... validLosses) {
        List<EpochMetrics> h = new ArrayList<>();
        for (int i = 0; i < validLosses.length; i++) {
            h.add(new EpochMetrics(i + 1, 1, 0.5, 1, 1, validLosses[i], 0.5, 0.001, 1, 0.1));
        }
        return h;
    }

    @Test
    void countsEpochsSinceTheLastImprovementBeyondMinDelta() {
        assertEquals(0, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.9, 0.8), 0));
        assertEquals(2, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.8, 0.85, 0.8), 0));
        assertEquals(2, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.8, 0.79, 0.78), 0.05));
        assertEquals(0, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.8, 0.79, 0.70), 0.05));
    }
}
