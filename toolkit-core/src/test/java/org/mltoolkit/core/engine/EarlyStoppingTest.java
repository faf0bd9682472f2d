package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    private static List<EpochMetrics> history(double... validLosses) {
        List<EpochMetrics> h = new ArrayList<>();
        for (int i = 0; i < validLosses.length; i++) {
            h.add(new EpochMetrics(i + 1, Map.of("train_loss", 1.0, "valid_loss", validLosses[i])));
        }
        return h;
    }

    @Test
    void countsEpochsSinceTheLastImprovementBeyondMinDelta() {
        assertEquals(0, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.9, 0.8), "valid_loss", 0));
        assertEquals(2, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.8, 0.85, 0.8), "valid_loss", 0));
        assertEquals(2, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.8, 0.79, 0.78), "valid_loss", 0.05));
        assertEquals(0, EarlyStopping.epochsWithoutImprovement(history(1.0, 0.8, 0.79, 0.70), "valid_loss", 0.05));
    }
}
