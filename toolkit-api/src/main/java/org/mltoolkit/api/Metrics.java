package org.mltoolkit.api;

/** Small shared arithmetic for plugins, so that every model measures loss and accuracy alike. */
public final class Metrics {
    private Metrics() {}

    /** Index of the largest of {@code k} values starting at {@code offset}; the first wins ties. */
    public static int argmax(float[] values, int offset, int k) {
        int best = 0;
        float bestValue = values[offset];
        for (int j = 1; j < k; j++) {
            if (values[offset + j] > bestValue) {
                bestValue = values[offset + j];
                best = j;
            }
        }
        return best;
    }

    /** How many of the first {@code n} rows of {@code logProbs} (row width {@code k}) predict their label. */
    public static int countCorrect(float[] logProbs, int[] labels, int n, int k) {
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (argmax(logProbs, i * k, k) == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** Sum (not mean) of {@code -logProbs[i][label_i]} over the first {@code n} rows. */
    public static double sumNll(float[] logProbs, int[] labels, int n, int k) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum -= logProbs[i * k + labels[i]];
        }
        return sum;
    }

    /** Sum of squares of an array, in double precision (for global L2 norms). */
    public static double sumOfSquares(float[] values) {
        double s = 0;
        for (float v : values) {
            s += (double) v * v;
        }
        return s;
    }
}
