package org.mltoolkit.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to free-form {@code key=value} options a user passes to a model or trainer
 * ({@code --model-option hidden=500,400}). Every getter names the key and the value when the value is bad.
 */
public final class PluginOptions {
    private static final PluginOptions EMPTY = new PluginOptions(Map.of());
    private final Map<String, String> values;

    public PluginOptions(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static PluginOptions empty() {
        return EMPTY;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public String getString(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(key, v, "expected an integer");
        }
    }

    public double getDouble(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(key, v, "expected a number");
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new InvalidConfigurationException(key, v, "expected true or false");
        };
    }

    /**
     * Throws InvalidConfigurationException if a key is not among {@code known}, so that typos do not pass silently.
     * The message names the key, its value, {@code owner} and the known keys (or says that there are none).
     */
    public void requireOnly(String owner, Set<String> known) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                String knownKeys = known.isEmpty()
                        ? owner + " takes no options"
                        : "known: " + String.join(", ", new java.util.TreeSet<>(known));
                throw new InvalidConfigurationException(
                        k, values.get(k), "not an option of " + owner + " (" + knownKeys + ")");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PluginOptions p && p.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
