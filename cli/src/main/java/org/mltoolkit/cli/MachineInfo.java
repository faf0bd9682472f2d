package org.mltoolkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** What a benchmark records about the machine it ran on, read from Linux's {@code /proc}; empty elsewhere. */
final class MachineInfo {
    private MachineInfo() {}

    /** The CPU's model name ({@code model name} of {@code /proc/cpuinfo}), or {@code unknown}. */
    static String cpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                if (colon >= 0) {
                    return line.substring(colon + 1).strip();
                }
            }
        }
        return "unknown";
    }

    /** Total memory in GiB ({@code MemTotal} of {@code /proc/meminfo}), or empty. */
    static OptionalDouble memoryGigabytes() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                try {
                    return OptionalDouble.of(Math.round(Long.parseLong(parts[0]) / 1024.0 / 1024.0 * 10) / 10.0);
                } catch (NumberFormatException e) {
                    return OptionalDouble.empty();
                }
            }
        }
        return OptionalDouble.empty();
    }

    /** The 1, 5 and 15 minute load averages as {@code /proc/loadavg} gives them ({@code "1.02 0.87 0.80"}). */
    static Optional<String> loadAverage() {
        List<String> lines = lines(Path.of("/proc/loadavg"));
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = lines.get(0).strip().split("\\s+");
        return parts.length >= 3
                ? Optional.of(String.join(" ", parts[0], parts[1], parts[2]).toLowerCase(Locale.ROOT))
                : Optional.empty();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
