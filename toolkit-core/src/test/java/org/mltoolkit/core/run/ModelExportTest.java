package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.ReportingSoftmax;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;

/**
 * ONNX and named export formats: the plugin writes the bytes, the core places them atomically; what a named format's
 * file records, and which formats a model refuses.
 */
class ModelExportTest {
    @TempDir
    Path dir;

    private static ExtensionLookup lookup() {
        return new StaticExtensions(
                List.of(new InMemoryDataset(TrainingRunTest.DATA)),
                List.of(new SoftmaxRegression.Provider(), new ReportingSoftmax.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
    }

    private Path train(String model, Map<String, String> options) {
        return TrainingRunTest.softmax(dir.resolve(model))
                .lookup(lookup())
                .model(model)
                .modelOptions(options)
                .epochs(2)
                .build()
                .run()
                .bestCheckpoint();
    }

    @Test
    void theModelsOnnxBytesReplaceTheFileAndNothingElseIsLeft() throws IOException {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of());
        Path out = dir.resolve("models/model.onnx");
        ModelExport.toOnnx(lookup(), checkpoint, out);
        String first = Files.readString(out);
        assertTrue(first.startsWith(ReportingSoftmax.ONNX_STAND_IN), first);
        Files.writeString(out, "an older export");
        ModelExport.toOnnx(lookup(), checkpoint, out);
        assertEquals(first, Files.readString(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aFailedOnnxExportLeavesTheFileAsItWas() throws IOException {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of("fail_export", "true"));
        Path out = Files.createDirectories(dir.resolve("models")).resolve("model.onnx");
        Files.writeString(out, "the previous export");
        ToolkitException e = assertThrows(ToolkitException.class, () -> ModelExport.toOnnx(lookup(), checkpoint, out));
        assertEquals("reporting-softmax: export failed half-way, as its model option asked", e.getMessage());
        assertEquals("the previous export", Files.readString(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "the half-written temporary file is gone");
        }
    }

    @Test
    void anUnwritablePlaceIsOneLineNamingTheFile() throws IOException {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of());
        Path blocker = Files.writeString(dir.resolve("file"), "not a directory");
        Path out = blocker.resolve("model.onnx");
        ToolkitException e = assertThrows(ToolkitException.class, () -> ModelExport.toOnnx(lookup(), checkpoint, out));
        assertEquals("cannot write " + out + ": a file is in the way: " + blocker, e.getMessage());
    }

    @Test
    void aModelWithoutAnOnnxExporterIsRefusedAndNoFileIsWritten() {
        Path checkpoint = train("softmax", Map.of());
        Path out = dir.resolve("model.onnx");
        ToolkitException e = assertThrows(ToolkitException.class, () -> ModelExport.toOnnx(lookup(), checkpoint, out));
        assertEquals(
                "model 'softmax' (in " + checkpoint + ") cannot be exported to ONNX: its plugin does not implement"
                        + " OnnxExportable",
                e.getMessage());
        assertTrue(Files.notExists(out));
    }

    @Test
    void theFileRecordsClassNamesConfigurationEpochAndVersions() throws IOException {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of());
        Path out = dir.resolve("exported/model.txt");
        ModelExport.toFormat(lookup(), checkpoint, ReportingSoftmax.TEXT_FORMAT, out, null);
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.contains("classes=" + String.join(",", TrainingRunTest.DATA.classNames())), lines.toString());
        assertTrue(lines.contains("dataset=synthetic"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("epoch=[12]")), lines.toString());
        assertTrue(lines.contains("toolkit=" + ToolkitVersion.current()), lines.toString());
        assertTrue(ToolkitVersion.current().matches("\\d+\\.\\d+\\.\\d+.*"), ToolkitVersion.current());
        assertTrue(lines.contains("config.model=" + ReportingSoftmax.NAME), lines.toString());
        assertTrue(lines.contains("config.batch_size=32"), lines.toString());
        assertTrue(lines.contains("config.learning_rate=0.05"), lines.toString());
        assertTrue(lines.contains("config.seed=7"), lines.toString());
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aFormatTheModelDoesNotWriteIsRefusedNamingTheFormatsItWrites() {
        Path reporting = train(ReportingSoftmax.NAME, Map.of());
        ToolkitException other = assertThrows(
                ToolkitException.class,
                () -> ModelExport.toFormat(lookup(), reporting, "tribuo", dir.resolve("m.tribuo"), null));
        assertEquals(
                "model 'reporting-softmax' (in " + reporting + ") cannot be exported as 'tribuo': its plugin writes "
                        + "text and ONNX",
                other.getMessage());
        Path plain = train("softmax", Map.of());
        ToolkitException none = assertThrows(
                ToolkitException.class,
                () -> ModelExport.toFormat(lookup(), plain, "tribuo", dir.resolve("m.tribuo"), null));
        assertEquals(
                "model 'softmax' (in " + plain + ") cannot be exported as 'tribuo': its plugin writes no format but"
                        + " ONNX",
                none.getMessage());
        assertTrue(Files.notExists(dir.resolve("m.tribuo")));
    }

    @Test
    void aFailedExportLeavesTheOldFileAsItWas() throws IOException {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of("fail_export", "true"));
        Path out = dir.resolve("model.txt");
        Files.writeString(out, "the previous export");
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> ModelExport.toFormat(lookup(), checkpoint, ReportingSoftmax.TEXT_FORMAT, out, null));
        assertTrue(e.getMessage().contains("failed half-way"), e.getMessage());
        assertEquals("the previous export", Files.readString(out));
        try (var files = Files.list(dir)) {
            assertEquals(
                    0,
                    files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                            .count());
        }
    }

    @Test
    void theCheckpointItselfOrAnUnknownDatasetIsRefusedInOneLine() {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of());
        ToolkitException self = assertThrows(
                ToolkitException.class,
                () -> ModelExport.toFormat(lookup(), checkpoint, ReportingSoftmax.TEXT_FORMAT, checkpoint, null));
        assertEquals(checkpoint + ": is the checkpoint being exported; name another file", self.getMessage());
        ExtensionLookup noDataset = new StaticExtensions(
                List.of(), List.of(new ReportingSoftmax.Provider()), List.of(new SoftmaxTrainer.Provider()));
        ToolkitException dataset = assertThrows(
                ToolkitException.class,
                () -> ModelExport.toFormat(
                        noDataset, checkpoint, ReportingSoftmax.TEXT_FORMAT, dir.resolve("m.txt"), null));
        assertTrue(
                dataset.getMessage()
                        .startsWith(checkpoint
                                + ": the export needs the class names of dataset 'synthetic': unknown dataset"
                                + " 'synthetic'"),
                dataset.getMessage());
    }

    @Test
    void classNamesThatComeFromTheFilesAreReadThroughTheLoader() throws IOException {
        Path checkpoint = train(ReportingSoftmax.NAME, Map.of());
        InMemoryDataset known = new InMemoryDataset(TrainingRunTest.DATA);
        DatasetProvider namesFromFiles = new DatasetProvider() {
            @Override
            public String name() {
                return known.name();
            }

            @Override
            public String description() {
                return "class names known only once loaded";
            }

            @Override
            public ExampleShape exampleShape() {
                return null;
            }

            @Override
            public List<String> classNames() {
                return null;
            }

            @Override
            public List<Path> files(Path dataDir) {
                return List.of();
            }

            @Override
            public boolean isPresent(Path dataDir) {
                return true;
            }

            @Override
            public List<FetchedFile> fetch(FetchRequest request) {
                return List.of();
            }

            @Override
            public DatasetSplits load(Path dataDir) {
                return TrainingRunTest.DATA;
            }
        };
        ExtensionLookup lookup = new StaticExtensions(
                List.of(namesFromFiles),
                List.of(new ReportingSoftmax.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        ToolkitException withoutLoader = assertThrows(
                ToolkitException.class,
                () -> ModelExport.toFormat(
                        lookup, checkpoint, ReportingSoftmax.TEXT_FORMAT, dir.resolve("a.txt"), null));
        assertEquals(
                checkpoint + ": the class names of dataset 'synthetic' come from its files, and no dataset loader was"
                        + " given to read them",
                withoutLoader.getMessage());
        List<String> loaded = new java.util.ArrayList<>();
        Path out = dir.resolve("b.txt");
        ModelExport.toFormat(lookup, checkpoint, ReportingSoftmax.TEXT_FORMAT, out, (provider, options) -> {
            loaded.add(provider.name());
            return provider.load(dir);
        });
        assertEquals(List.of("synthetic"), loaded);
        assertTrue(Files.readAllLines(out).contains("classes=" + String.join(",", TrainingRunTest.DATA.classNames())));
    }

    @Test
    void nestedSettingsGetDottedNames() {
        Map<String, String> settings =
                ModelExport.settings("{\"model\":\"fc\",\"model_options\":{\"hidden\":\"500,400\"},\"limit\":0,"
                        + "\"run_dir\":null,\"list\":[1,2]}");
        assertEquals(
                Map.of(
                        "model", "fc",
                        "model_options.hidden", "500,400",
                        "limit", "0",
                        "run_dir", "null",
                        "list", "[1,2]"),
                settings);
    }
}
