package org.mltoolkit.cli;

/**
 * One figure {@code toolkit bench} measures for an implementation and compares across implementations: its JSON
 * key, how the table labels it, and which direction is better, so that a ratio (ours / theirs) can say whether it
 * favours the toolkit.
 */
enum BenchFigure {
    TRAIN_IMAGES_PER_SECOND("train_images_per_second", "training, images/s", Better.HIGHER, 0),
    EPOCH_SECONDS("epoch_seconds", "training epoch, s", Better.LOWER, 2),
    VALIDATION_SECONDS("validation_seconds", "validation pass, s", Better.LOWER, 3),
    INFERENCE_IMAGES_PER_SECOND("inference_images_per_second", "inference b256, images/s", Better.HIGHER, 0),
    LATENCY_MEDIAN_MS("latency_b1_median_ms", "latency b1 median, ms", Better.LOWER, 3),
    LATENCY_P90_MS("latency_b1_p90_ms", "latency b1 p90, ms", Better.LOWER, 3),
    STARTUP_SECONDS("startup_seconds", "start-up to first step, s", Better.LOWER, 2),
    PEAK_RSS_MB("peak_rss_mb", "peak RSS (training), MB", Better.LOWER, 0);

    /** Which way a figure improves. */
    enum Better {
        LOWER,
        HIGHER;

        /** {@code lower} or {@code higher}, as the JSON and the table write it. */
        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String key;
    private final String label;
    private final Better better;
    private final int decimals;

    BenchFigure(String key, String label, Better better, int decimals) {
        this.key = key;
        this.label = label;
        this.better = better;
        this.decimals = decimals;
    }

    /** The JSON key, in snake_case, the same in the toolkit's and the PyTorch script's output. */
    String key() {
        return key;
    }

    /** The row label of the table. */
    String label() {
        return label;
    }

    /** Which direction is better. */
    Better better() {
        return better;
    }

    /** Decimals the table shows. */
    int decimals() {
        return decimals;
    }
}
