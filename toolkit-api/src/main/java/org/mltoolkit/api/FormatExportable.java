package org.mltoolkit.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * A model that can write itself in file formats its plugin names, besides ONNX ({@link OnnxExportable}); for
 * example the {@code fc} plugin's models write {@code tribuo}, a model file that Tribuo loads with its own API.
 * The caller opens the stream and places the file (the core writes it atomically); the model only writes bytes.
 */
public interface FormatExportable {

    /** The format names this model writes, each with a one-line description, in the order to list them. */
    Map<String, String> exportFormats();

    /**
     * Writes the model in {@code format} to {@code out} and leaves the stream open. Does not mutate the model.
     * Throws ToolkitException when the model cannot be written in {@code format} (a name not in
     * {@link #exportFormats()}, or a model the format cannot express), and IOException when {@code out} fails.
     *
     * @param format  one of {@link #exportFormats()}
     * @param context what the model cannot know about itself: class names and where it came from, for the file's
     *                provenance
     * @param out     where the bytes go
     */
    void export(String format, ExportContext context, OutputStream out) throws IOException;
}
