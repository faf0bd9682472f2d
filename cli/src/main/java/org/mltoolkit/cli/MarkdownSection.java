package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;

/**
 * The Markdown section {@code toolkit bench --markdown FILE} writes: the table, and the machine, date, load and exact
 * command it came from, between two marker lines, so that a README's section is regenerated in place and the rest of
 * the file is kept as it is.
 */
final class MarkdownSection {
    private MarkdownSection() {}

    /**
     * Checks that {@code file} may receive the section: a new file in an existing directory, or an existing file
     * with both markers in order. Writes nothing. Throws ToolkitException naming the file otherwise.
     */
    static void checkWritable(Path file) {
        if (Files.exists(file)) {
            markerPositions(file, read(file));
        } else {
            Path parent = file.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new ToolkitException("cannot write " + file + ": its directory does not exist");
            }
        }
    }

    /**
     * Writes {@code section} between the markers of {@code file}, keeping everything else in it, or writes a new
     * file of the markers and the section; the file is replaced atomically. Throws ToolkitException as
     * {@link #checkWritable} does.
     */
    static void write(Path file, String section) {
        String block = BenchCommand.SECTION_BEGIN + "\n" + section + BenchCommand.SECTION_END;
        if (!Files.exists(file)) {
            AtomicFiles.writeString(file, block + "\n");
            return;
        }
        String text = read(file);
        int[] at = markerPositions(file, text);
        AtomicFiles.writeString(
                file, text.substring(0, at[0]) + block + text.substring(at[1] + BenchCommand.SECTION_END.length()));
    }

    /**
     * The section's text: where and how it was measured, then the table. {@code header} is the report's header (date,
     * command, machine, load averages); {@code report} gives the table and what each model's runs were.
     */
    static String render(ObjectNode header, BenchReport report) {
        JsonNode machine = header.path("machine");
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Measured %s with `%s` on %d cores (%s%s), Java %s%s; load average (1, 5, 15 min) %s before and %s"
                        + " after. The machine is shared: read the ratios, which compare runs made one after the"
                        + " other, rather than the absolute figures.%n%n",
                header.path("date").asText(),
                header.path("command").asText(),
                machine.path("cores").asInt(),
                machine.path("cpu_model").asText(),
                machine.has("memory_gb") ? ", " + machine.path("memory_gb").asText() + " GiB" : "",
                machine.path("java").asText(),
                machine.has("openblas_coretype")
                        ? ", OpenBLAS kernels "
                                + machine.path("openblas_coretype").asText() + " (OPENBLAS_CORETYPE)"
                        : "",
                header.path("load_average_before").asText(),
                header.path("load_average_after").asText()));
        for (String model : report.models()) {
            text.append(String.format(Locale.ROOT, "- `%s`: %s%n", model, report.describeRuns(model)));
        }
        text.append('\n').append(report.markdownTable());
        return text.toString();
    }

    private static int[] markerPositions(Path file, String text) {
        int begin = text.indexOf(BenchCommand.SECTION_BEGIN);
        int end = text.indexOf(BenchCommand.SECTION_END, Math.max(begin, 0));
        if (begin < 0 || end < 0) {
            throw new ToolkitException(file + " exists and has no bench section to replace (the lines '"
                    + BenchCommand.SECTION_BEGIN + "' and '" + BenchCommand.SECTION_END + "'); name a new file or"
                    + " add them");
        }
        return new int[] {begin, end};
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolkitException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
