package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;

/**
 * A model that describes itself (a user's network does: input, output kind, preprocessing) is shown in one line at
 * the start of {@code train} and in {@code evaluate}'s text and JSON; a model that does not adds nothing.
 */
class ModelDescriptionOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** Stands in for the {@code onnx} model that {@code --onnx FILE} selects: softmax, described by its file. */
    static final class PretrainedStandIn implements ModelProvider {
        @Override
        public String name() {
            return ModelSource.ONNX_MODEL;
        }

        @Override
        public String description() {
            return "softmax regression standing in for a pretrained network";
        }

        @Override
        public InputLayout inputLayout() {
            return InputLayout.FLAT;
        }

        @Override
        public String defaultTrainer() {
            return SoftmaxTrainer.NAME;
        }

        @Override
        public Model create(ModelSpec spec) {
            String file = spec.options().getString("file", "?");
            return new SoftmaxRegression.Provider()
                    .create(new ModelSpec(
                            spec.inputShape(),
                            spec.numClasses(),
                            spec.seed(),
                            spec.device(),
                            spec.threads(),
                            new PluginOptions(Map.of(SoftmaxRegression.NOTE, "read from " + file))));
        }
    }

    private Run toolkit(String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(TrainCommandTest.BLOBS),
                List.of(new SoftmaxRegression.Provider(), new PretrainedStandIn()),
                List.of(new SoftmaxTrainer.Provider()));
        return InProcessToolkit.run(temp.resolve("data"), lookup, args);
    }

    private Run train(String... modelOptions) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--batch-size",
                "16",
                "--epochs",
                "1",
                "--verbose",
                "1",
                "--run-dir",
                temp.resolve("run").toString(),
                "--overwrite"));
        for (String option : modelOptions) {
            args.add("--model-option");
            args.add(option);
        }
        return toolkit(args.toArray(String[]::new));
    }

    @Test
    void trainShowsTheModelsDescriptionBeforeTheFirstEpoch() {
        Run run = train("note=input 'image' [N, 5]");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertEquals("model softmax: note input 'image' [N, 5]", lines.get(0));
        assertTrue(lines.get(1).startsWith("EPOCH 1 - "), run.out());
    }

    @Test
    void trainOfAModelWithoutDescriptionStartsWithTheEpochLine() {
        Run run = train();
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.outLines().get(0).startsWith("EPOCH 1 - "), run.out());
        assertFalse(run.out().contains("model softmax:"), run.out());
    }

    @Test
    void evaluateOnnxShowsTheDescriptionInTextAndJson() throws IOException {
        Path net = Files.writeString(temp.resolve("net.onnx"), "stand-in");
        Run text = toolkit("evaluate", "--onnx", net.toString(), "--dataset", "blobs");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.outLines().contains("model onnx: note read from " + net), text.out());

        Run json = toolkit("evaluate", "--onnx", net.toString(), "--dataset", "blobs", "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode node = JSON.readTree(json.out());
        assertEquals(
                "read from " + net, node.path("model_description").path("note").asText());
    }
}
