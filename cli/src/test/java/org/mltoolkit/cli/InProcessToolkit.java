package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.core.plugins.ExtensionLookup;
import picocli.CommandLine;

/** The command line run inside the test's JVM, its output captured: what every CLI test drives. */
final class InProcessToolkit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InProcessToolkit() {}

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        /** Standard output read as JSON; throws UncheckedIOException quoting it when it is not JSON. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out, e);
            }
        }
    }

    /** Runs {@code args} on {@code root}, which is closed afterwards. */
    static Run run(ToolkitCommand root, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode;
        try (root) {
            CommandLine commandLine = ToolkitCommand.commandLine(root);
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            exitCode = commandLine.execute(args);
        }
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** Runs {@code args} with the extensions of {@code lookup} and the data directory {@code dataDir}. */
    static Run run(Path dataDir, ExtensionLookup lookup, String... args) {
        return run(new ToolkitCommand(Map.of("TOOLKIT_DATA", dataDir.toString()), lookup), args);
    }
}
