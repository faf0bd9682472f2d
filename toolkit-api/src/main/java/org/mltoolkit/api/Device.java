package org.mltoolkit.api;

import java.util.Locale;

/**
 * Where a model should run, as the user asked: {@code cpu}, {@code cuda:N}, or {@code auto} (a GPU where one
 * loads, else the CPU). Models that have no GPU path run on the CPU for {@code auto} and refuse {@code cuda:N}.
 */
public record Device(Kind kind, int index) {
    public enum Kind {
        AUTO,
        CPU,
        CUDA
    }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** Parses {@code cpu}, {@code auto}, {@code cuda} (device 0) or {@code cuda:N}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("auto")) {
            return AUTO;
        }
        if (t.equals("cuda")) {
            return new Device(Kind.CUDA, 0);
        }
        if (t.startsWith("cuda:")) {
            try {
                int idx = Integer.parseInt(t.substring(5));
                if (idx >= 0) {
                    return new Device(Kind.CUDA, idx);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new InvalidConfigurationException("device", text, "expected cpu, auto or cuda:N");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
