package org.mltoolkit.core.metrics;

/** What every metric base class holds alike: the metric's name and format, fixed at construction. */
abstract class NamedMetric {
    private final String name;
    private final MetricFormat format;

    NamedMetric(String name, MetricFormat format) {
        this.name = name;
        this.format = format;
    }

    /** The key of the metric's value: see {@link Metric#name()}. */
    public final String name() {
        return name;
    }

    /** How the value is printed: see {@link Metric#format()}. */
    public final MetricFormat format() {
        return format;
    }
}
