package org.mltoolkit.core.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch measured: the value of every recorded metric by its name, in the order of the run's metrics
 * (see {@code org.mltoolkit.core.metrics.MetricSet}). One line of {@code metrics.jsonl}, as {@code {"epoch": n,
 * "train_loss": ..., ...}}; the checkpoint keeps the list so far. Immutable.
 *
 * @param epoch  the epoch, 1-based
 * @param values each metric's value by name, in recording order
 */
public record EpochMetrics(int epoch, Map<String, Double> values) {
    private static final String EPOCH = "epoch";

    public EpochMetrics {
        if (values.containsKey(EPOCH)) {
            throw new IllegalArgumentException("'" + EPOCH + "' is the row's key, not a metric");
        }
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of metric {@code name}, or NaN when this epoch did not record it (an older file, say). */
    public double value(String name) {
        Double value = values.get(name);
        return value == null ? Double.NaN : value;
    }

    /** The row as JSON writes it: the epoch, then every value in order. */
    @JsonValue
    Map<String, Object> toJson() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(EPOCH, epoch);
        row.putAll(values);
        return row;
    }

    /**
     * Reads a row written by any version: every number besides the epoch is a metric, whatever its name, so that
     * rows with metrics this version does not record, or without some it does, still read. Non-numeric fields are
     * ignored. Throws IllegalArgumentException when there is no epoch.
     */
    @JsonCreator
    static EpochMetrics fromJson(Map<String, Object> row) {
        if (!(row.get(EPOCH) instanceof Number epoch)) {
            throw new IllegalArgumentException("a metrics row needs a numeric '" + EPOCH + "', got " + row);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        row.forEach((name, value) -> {
            if (name.equals(EPOCH)) {
                return;
            }
            if (value instanceof Number number) {
                values.put(name, number.doubleValue());
            } else if (value instanceof String text && isNonFinite(text)) {
                // JSON has no NaN or infinity: Jackson writes them as strings.
                values.put(name, Double.parseDouble(text));
            }
        });
        return new EpochMetrics(epoch.intValue(), values);
    }

    private static boolean isNonFinite(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }
}
