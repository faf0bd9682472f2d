package org.mltoolkit.core.engine;

import java.util.Locale;
import org.mltoolkit.api.InvalidConfigurationException;

/**
 * The learning rate of each epoch, from the initial one. Parsed from a short text so that it fits in a
 * configuration file and a command line:
 * <ul>
 *   <li>{@code none}: constant;</li>
 *   <li>{@code step}, {@code step:EVERY} or {@code step:EVERY:GAMMA}: multiplied by {@code GAMMA} (default 0.5)
 *       every {@code EVERY} epochs (default 5);</li>
 *   <li>{@code cosine} or {@code cosine:MIN}: cosine annealing from the initial rate down towards {@code MIN}
 *       (default 0) over the run's total epochs.</li>
 * </ul>
 */
public sealed interface LearningRateSchedule {

    /** The rate for {@code epoch} (1-based) of a run of {@code totalEpochs}, starting from {@code initial}. */
    double rate(double initial, int epoch, int totalEpochs);

    /** The text this schedule parses from. */
    String spec();

    /** A constant rate. */
    record Constant() implements LearningRateSchedule {
        @Override
        public double rate(double initial, int epoch, int totalEpochs) {
            return initial;
        }

        @Override
        public String spec() {
            return "none";
        }
    }

    /** {@code initial * gamma^floor((epoch - 1) / every)}, like PyTorch's StepLR stepped once per epoch. */
    record Step(int every, double gamma) implements LearningRateSchedule {
        public Step {
            if (every < 1) {
                throw new InvalidConfigurationException(
                        "lrSchedule", "step:" + every + ":" + gamma, "the step must be at least 1 epoch");
            }
            if (!(gamma > 0) || Double.isInfinite(gamma)) {
                throw new InvalidConfigurationException(
                        "lrSchedule", "step:" + every + ":" + gamma, "gamma must be a positive number");
            }
        }

        @Override
        public double rate(double initial, int epoch, int totalEpochs) {
            return initial * Math.pow(gamma, (epoch - 1) / every);
        }

        @Override
        public String spec() {
            return "step:" + every + ":" + gamma;
        }
    }

    /** {@code min + (initial - min) * (1 + cos(pi * (epoch - 1) / totalEpochs)) / 2}: epoch 1 uses the initial rate. */
    record Cosine(double min) implements LearningRateSchedule {
        public Cosine {
            if (!(min >= 0) || Double.isInfinite(min)) {
                throw new InvalidConfigurationException(
                        "lrSchedule", "cosine:" + min, "the minimum rate must be a number >= 0");
            }
        }

        @Override
        public double rate(double initial, int epoch, int totalEpochs) {
            double progress = (double) (epoch - 1) / Math.max(1, totalEpochs);
            return min + (initial - min) * (1 + Math.cos(Math.PI * progress)) / 2;
        }

        @Override
        public String spec() {
            return "cosine:" + min;
        }
    }

    /** Parses a schedule; throws InvalidConfigurationException naming {@code lrSchedule} and the text. */
    static LearningRateSchedule parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split(":", -1);
        try {
            switch (parts[0]) {
                case "none", "constant" -> {
                    if (parts.length == 1) {
                        return new Constant();
                    }
                }
                case "step" -> {
                    if (parts.length <= 3) {
                        int every = parts.length > 1 ? Integer.parseInt(parts[1]) : 5;
                        double gamma = parts.length > 2 ? Double.parseDouble(parts[2]) : 0.5;
                        return new Step(every, gamma);
                    }
                }
                case "cosine" -> {
                    if (parts.length <= 2) {
                        return new Cosine(parts.length > 1 ? Double.parseDouble(parts[1]) : 0);
                    }
                }
                default -> {
                    // reported below
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException(
                "lrSchedule", text, "expected none, step[:EVERY[:GAMMA]] or cosine[:MIN]");
    }
}
