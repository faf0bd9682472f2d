package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    private static final List<String> NAMES = List.of("zero", "one", "two");

    @Test
    void talliesTruthAgainstPredictionAndDerivesPerClassScores() {
        int[] labels = {0, 0, 0, 1, 1, 2, 2, 2};
        int[] predicted = {0, 0, 1, 1, 1, 2, 0, 2};
        ConfusionMatrix m = ConfusionMatrix.of(NAMES, labels, predicted, labels.length);
        assertEquals(2, m.count(0, 0));
        assertEquals(1, m.count(0, 1));
        assertEquals(1, m.count(2, 0));
        assertEquals(8, m.total());
        assertEquals(6.0 / 8, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.precision(0), 1e-12);
        assertEquals(2.0 / 3, m.recall(0), 1e-12);
        assertEquals(2.0 / 3, m.precision(1), 1e-12);
        assertEquals(1.0, m.recall(1), 1e-12);
        assertEquals(2 * (2.0 / 3) * 1.0 / (2.0 / 3 + 1.0), m.f1(1), 1e-12);
        assertTrue(m.format().contains("0 zero"), m.format());
    }

    @Test
    void onlyTheFirstNExamplesCountAndAbsentClassesGiveNaN() {
        ConfusionMatrix m = ConfusionMatrix.of(NAMES, new int[] {0, 2}, new int[] {0, 2}, 1);
        assertEquals(1, m.total());
        assertTrue(Double.isNaN(m.recall(1)));
        assertTrue(Double.isNaN(m.precision(2)));
    }

    @Test
    void countsMustBeSquare() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(NAMES, new long[3][2]));
    }
}
