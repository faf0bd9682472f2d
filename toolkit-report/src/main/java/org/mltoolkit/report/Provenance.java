package org.mltoolkit.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;

/**
 * Where a report's numbers came from beyond what the run recorded: the toolkit's version and the data files with
 * their SHA-256 digests. The plugin versions, device and settings come from the run itself.
 *
 * @param toolkitVersion  the version of the toolkit that wrote the report
 * @param datasetFiles    each data file (as the page names it) with its SHA-256, in order; empty when unknown
 * @param datasetNote     why the files are not listed, or null
 */
public record Provenance(String toolkitVersion, Map<String, String> datasetFiles, String datasetNote) {
    public Provenance {
        datasetFiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(datasetFiles));
    }

    /** The toolkit's version alone, with {@code note} saying why the data files are not listed. */
    public static Provenance withoutData(String toolkitVersion, String note) {
        return new Provenance(toolkitVersion, Map.of(), note);
    }

    /** Adds the page's rows for the data files to {@code rows}: one per file with its SHA-256, or the note. */
    void putDataRows(Map<String, Object> rows) {
        datasetFiles.forEach((file, sha) -> rows.put("SHA-256 " + file, sha));
        if (datasetNote != null) {
            rows.put("data files", datasetNote);
        }
    }

    /**
     * The SHA-256 of every file in {@code files} that exists, keyed by its file name. Throws ToolkitException
     * naming a file that exists but cannot be read.
     */
    public static Map<String, String> sha256(List<Path> files) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
                MessageDigest md = ((DigestInputStream) in).getMessageDigest();
                in.transferTo(java.io.OutputStream.nullOutputStream());
                digests.put(file.getFileName().toString(), HexFormat.of().formatHex(md.digest()));
            } catch (IOException e) {
                throw new ToolkitException("cannot read " + file + " to checksum it: " + e, e);
            }
        }
        return digests;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
