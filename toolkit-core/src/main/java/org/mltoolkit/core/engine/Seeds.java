package org.mltoolkit.core.engine;

/** Derives independent, reproducible random seeds from the run's seed and a purpose number. */
final class Seeds {
    private Seeds() {}

    /** A well-mixed seed for stream {@code stream} of {@code seed} (SplitMix64's finaliser). */
    static long derive(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A Fisher-Yates shuffle of {@code values} in place, driven by {@code seed}. */
    static void shuffle(int[] values, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
