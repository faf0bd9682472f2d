package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.ReportingSoftmax;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;

/**
 * {@code toolkit bench}'s own logic on tiny models and data: every figure present, medians over rounds, ratios taken
 * from the same model's pair, the Markdown section written in place. No timing is asserted.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Dataset {@code mnist} here: 200 training and 40 test examples of 3 separable classes, always present. */
    private static final InMemoryDataset DATA = new InMemoryDataset(SyntheticData.make("mnist", 200, 40, 3, 7));

    /** Figures the fake PyTorch prints per model: each model's differ, so that a ratio of the wrong pair shows. */
    private static final Map<String, Double> FAKE_SCALE = Map.of("softmax", 2.0, ReportingSoftmax.NAME, 5.0);

    @TempDir
    Path temp;

    private Run toolkit(String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(DATA),
                List.of(new SoftmaxRegression.Provider(), new ReportingSoftmax.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        return InProcessToolkit.run(temp.resolve("data"), lookup, args);
    }

    private static String[] bench(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "bench",
                "--batch-size",
                "16",
                "--steps",
                "4",
                "--warmup-steps",
                "2",
                "--latency-samples",
                "5",
                "--threads",
                "1"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    /**
     * A stand-in for a Python with torch: answers the torch check, and for the bench script prints every figure as
     * {@link #FAKE_SCALE} times a fixed value, echoing the model and step count it was given.
     */
    private Path fakePython(boolean hasTorch) throws IOException {
        StringBuilder script = new StringBuilder("#!/bin/sh\n");
        script.append("if [ \"$1\" = -c ]; then ")
                .append(hasTorch ? "exit 0" : "echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1")
                .append("; fi\n");
        script.append("model=''; steps=0\n");
        script.append("while [ $# -gt 0 ]; do case \"$1\" in --model) model=\"$2\";; --steps) steps=\"$2\";; esac;"
                + " shift; done\n");
        script.append("case \"$model\" in softmax) s=2;; *) s=5;; esac\n");
        script.append("echo \"{\\\"implementation\\\": \\\"pytorch\\\", \\\"model\\\": \\\"$model\\\","
                + " \\\"train_steps\\\": $steps, \\\"first_step_unix_ms\\\": 0, \\\"validation_accuracy\\\": 0.5");
        for (BenchFigure figure : BenchFigure.values()) {
            if (figure != BenchFigure.STARTUP_SECONDS) {
                script.append(", \\\"").append(figure.key()).append("\\\": $s");
            }
        }
        script.append("}\"\n");
        Path python = temp.resolve("python");
        Files.writeString(python, script.toString());
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        return python;
    }

    @Test
    void measuringInThisProcessPrintsEveryFigureButStartUp() throws IOException {
        Run run = toolkit(bench("--measure-in-this-process", "--model", "softmax"));

        assertEquals(0, run.exitCode(), run.err());
        JsonNode figures = JSON.readTree(run.out());
        assertEquals("toolkit", figures.path("implementation").asText());
        assertEquals("softmax", figures.path("model").asText());
        assertEquals(4, figures.path("train_steps").asInt());
        assertEquals(64, figures.path("train_images").asInt());
        assertEquals(160, figures.path("train_examples").asInt(), "the 0.8 split of 200");
        assertEquals(40, figures.path("validation_examples").asInt(), "the other 0.2");
        assertEquals(5, figures.path("latency_samples").asInt());
        for (BenchFigure figure : BenchFigure.values()) {
            if (figure == BenchFigure.STARTUP_SECONDS) {
                assertFalse(figures.has(figure.key()), "start-up needs the parent's launch time");
            } else if (figure == BenchFigure.PEAK_RSS_MB && !Files.exists(Path.of("/proc/self/status"))) {
                assertTrue(figures.get(figure.key()).isNull());
            } else {
                assertTrue(figures.path(figure.key()).asDouble() > 0, figure.key() + " in " + figures);
            }
        }
        assertTrue(figures.path("latency_b1_p90_ms").asDouble()
                >= figures.path("latency_b1_median_ms").asDouble());
    }

    @Test
    void ratiosDivideEachModelsMedianByPytorchsForTheSameModel() throws IOException {
        Path python = fakePython(true);
        Path json = temp.resolve("bench.json");
        Path script = Files.writeString(temp.resolve("pytorch_bench.py"), "# run by the fake python\n");

        Run run = toolkit(bench(
                "--model",
                "softmax",
                "--model",
                ReportingSoftmax.NAME,
                "--rounds",
                "2",
                "--vs-pytorch",
                python.toString(),
                "--pytorch-script",
                script.toString(),
                "--json",
                json.toString()));

        assertEquals(0, run.exitCode(), run.err());
        JsonNode report = JSON.readTree(json.toFile());
        assertTrue(report.path("machine").path("cores").asInt() > 0);
        assertEquals(2, report.path("models").size());
        for (JsonNode entry : report.path("models")) {
            String model = entry.path("model").asText();
            double theirs = FAKE_SCALE.get(model);
            JsonNode ours = entry.path("toolkit").path("runs");
            assertEquals(2, ours.size(), "two rounds of " + model);
            assertEquals(2, entry.path("pytorch").path("runs").size());
            for (JsonNode pytorchRun : entry.path("pytorch").path("runs")) {
                assertEquals(model, pytorchRun.path("model").asText());
                assertEquals(4, pytorchRun.path("train_steps").asInt(), "PyTorch is given the same step limit");
                assertTrue(pytorchRun.has(BenchFigure.STARTUP_SECONDS.key()));
            }
            for (BenchFigure figure : BenchFigure.values()) {
                if (figure == BenchFigure.STARTUP_SECONDS || figure == BenchFigure.PEAK_RSS_MB) {
                    continue; // not measured in this process / may be absent off Linux
                }
                double median = (ours.get(0).path(figure.key()).asDouble()
                                + ours.get(1).path(figure.key()).asDouble())
                        / 2;
                assertEquals(
                        median,
                        entry.path("toolkit").path("median").path(figure.key()).asDouble(),
                        1e-9);
                JsonNode ratio = entry.path("ratios").path(figure.key());
                assertEquals(
                        median / theirs, ratio.path("toolkit_over_pytorch").asDouble(), 1e-9, model + " " + figure);
                assertEquals(figure.better().word(), ratio.path("better").asText());
            }
        }
        assertTrue(run.out().contains("ours/theirs"), run.out());
    }

    @Test
    void withoutTorchItSaysSoAndMeasuresTheToolkit() throws IOException {
        Run run = toolkit(
                bench("--model", "softmax", "--vs-pytorch", fakePython(false).toString()));

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("has no usable torch (ModuleNotFoundError: No module named 'torch')"), run.err());
        assertTrue(run.out().contains("model softmax"), run.out());
        assertFalse(run.out().contains("ours/theirs"), run.out());
    }

    @Test
    void theMarkdownSectionReplacesOnlyWhatIsBetweenTheMarkers() throws IOException {
        Path readme = temp.resolve("README.md");
        Files.writeString(
                readme,
                "# Title\n\n## Performance\n" + BenchCommand.SECTION_BEGIN + "\nold table\n" + BenchCommand.SECTION_END
                        + "\n\n## Next\nkept\n");

        Run run = toolkit(bench("--model", "softmax", "--markdown", readme.toString()));

        assertEquals(0, run.exitCode(), run.err());
        String text = Files.readString(readme);
        assertTrue(text.startsWith("# Title\n\n## Performance\n" + BenchCommand.SECTION_BEGIN + "\nMeasured "), text);
        assertTrue(text.endsWith(BenchCommand.SECTION_END + "\n\n## Next\nkept\n"), text);
        assertFalse(text.contains("old table"));
        assertTrue(text.contains("| `softmax` | training, images/s |"), text);
        assertTrue(text.contains("`./toolkit bench --batch-size 16"), text);
    }

    @Test
    void aMarkdownFileWithoutMarkersIsRefusedBeforeMeasuringAndKept() throws IOException {
        Path notes = Files.writeString(temp.resolve("notes.md"), "mine\n");

        Run run = toolkit(bench("--model", "softmax", "--markdown", notes.toString()));

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(notes + " exists and has no bench section to replace"), run.err());
        assertFalse(run.err().contains("round 1"), "refused before measuring");
        assertEquals("mine\n", Files.readString(notes));
    }

    @Test
    void badSettingsAreUsageErrorsNamingTheValue() {
        Run run = toolkit(bench("--model", "softmax", "--rounds", "0"));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--rounds must be at least 1, got 0"), run.err());
    }

    @Test
    void reportRatiosPairTheSameModelsMedians() {
        BenchReport report = new BenchReport(Json.object());
        report.add("a", figures("toolkit", "a", 10));
        report.add("a", figures("toolkit", "a", 30));
        report.add("a", figures("toolkit", "a", 20));
        report.add("b", figures("toolkit", "b", 7));
        report.add("a", figures("pytorch", "a", 40));
        report.add("b", figures("pytorch", "b", 14));

        assertEquals(
                20,
                report.median("a", BenchReport.TOOLKIT, BenchFigure.EPOCH_SECONDS)
                        .getAsDouble(),
                1e-12);
        assertEquals(0.5, report.ratio("a", BenchFigure.EPOCH_SECONDS).getAsDouble(), 1e-12);
        assertEquals(0.5, report.ratio("b", BenchFigure.EPOCH_SECONDS).getAsDouble(), 1e-12);
        assertTrue(report.ratio("a", BenchFigure.STARTUP_SECONDS).isEmpty(), "no figure, no ratio");
        assertEquals(List.of("a", "b"), report.models());
    }

    private static ObjectNode figures(String implementation, String model, double epochSeconds) {
        ObjectNode node = Json.object();
        node.put("implementation", implementation);
        node.put("model", model);
        node.put(BenchFigure.EPOCH_SECONDS.key(), epochSeconds);
        return node;
    }
}
