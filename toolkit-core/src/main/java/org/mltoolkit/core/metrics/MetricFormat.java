package org.mltoolkit.core.metrics;

import java.util.Locale;

/**
 * How a metric is printed. A console shows each epoch in two lines, the reference's: the training line
 * ({@code EPOCH n - ...}) with the training and epoch metrics, the validation line ({@code Validation - ...}) with
 * the validation metrics; and, during training, a live progress bar with the training metrics.
 *
 * @param line         the value's {@link String#format} pattern on its epoch line, such as {@code "loss=%.4e"}, or
 *                     null when it is not printed there
 * @param linePosition where on its line the value stands: lower first, equal positions in the list's order
 * @param bar          the value's pattern on the progress bar, such as {@code "loss=%.3e"}, or null when it is not
 *                     shown there (only training metrics are live)
 */
public record MetricFormat(String line, int linePosition, String bar) {

    /** Printed nowhere: the value is only recorded. */
    public static MetricFormat recordedOnly() {
        return new MetricFormat(null, 0, null);
    }

    /** Printed with {@code pattern} at {@code position} on its epoch line. */
    public static MetricFormat onLine(int position, String pattern) {
        return new MetricFormat(pattern, position, null);
    }

    /** This format, also shown on the progress bar with {@code pattern}. */
    public MetricFormat onBar(String pattern) {
        return new MetricFormat(line, linePosition, pattern);
    }

    /** {@code value} as its epoch line shows it. Throws IllegalStateException if it is not printed there. */
    public String formatLine(double value) {
        if (line == null) {
            throw new IllegalStateException("not printed on the epoch lines");
        }
        return String.format(Locale.ROOT, line, value);
    }

    /** {@code value} as the progress bar shows it. Throws IllegalStateException if it is not shown there. */
    public String formatBar(double value) {
        if (bar == null) {
            throw new IllegalStateException("not shown on the progress bar");
        }
        return String.format(Locale.ROOT, bar, value);
    }
}
