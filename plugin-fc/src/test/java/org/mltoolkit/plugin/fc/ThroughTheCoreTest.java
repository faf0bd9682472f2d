package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.engine.ConfusionMatrix;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import org.mltoolkit.core.run.ModelExport;
import org.mltoolkit.core.run.TrainingRun;
import org.mltoolkit.core.testing.Checkpoints;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/**
 * What {@code evaluate} and {@code export --tribuo} do with an {@code fc} or {@code linear} checkpoint, through the
 * core as the command line calls it: Tribuo's LabelEvaluator gives the numbers of the core's own confusion matrix,
 * and the Tribuo file records the run's real configuration.
 */
class ThroughTheCoreTest {
    private static final DatasetSplits DATA = new DatasetSplits(
            "blobs",
            Fixtures.blobs(640, Fixtures.MNIST_SHAPE, 1.2, 51),
            Fixtures.blobs(400, Fixtures.MNIST_SHAPE, 1.2, 52),
            TribuoFixtures.CLASSES);

    @TempDir
    Path dir;

    private static ExtensionLookup lookup() {
        return TribuoFixtures.throughTheCore(DATA);
    }

    private Path train(String model) {
        return TrainingRun.builder()
                .lookup(lookup())
                .data(DATA)
                .model(model)
                .modelOptions(model.equals("fc") ? TribuoFixtures.SMALL_FC : Map.of())
                .epochs(1)
                .batchSize(64)
                .threads(2)
                .runDir(dir.resolve(model))
                .build()
                .run()
                .bestCheckpoint();
    }

    @Test
    void theDeclaredParameterCountIsTheBuiltModelsAndWidthsReadFromAFileCannotSizeAModelItsWeightsDoNotHold() {
        ModelSpec small = new ModelSpec(
                Fixtures.MNIST_SHAPE, 10, 1, Device.parse("cpu"), 1, new PluginOptions(TribuoFixtures.SMALL_FC));
        ModelSpec reference = new ModelSpec(Fixtures.MNIST_SHAPE, 10, 1, Device.parse("cpu"), 1, PluginOptions.empty());
        for (ModelProvider provider : List.of(new FcModelProvider(), new LinearModelProvider())) {
            ModelSpec spec = provider instanceof FcModelProvider ? small : reference;
            try (Model model = provider.create(spec)) {
                assertEquals(model.parameterCount(), provider.parameterCount(spec), provider.name());
            }
        }
        assertEquals(802_160, new FcModelProvider().parameterCount(reference));

        Path best = train("fc");
        Checkpoint c = CheckpointFile.read(best);
        ModelSpec saved = c.modelSpec();
        Path crafted = dir.resolve("crafted.ckpt");
        CheckpointFile.write(crafted, Checkpoints.with(c, craftedSpec(saved), c.configJson()));
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> Evaluation.builder()
                        .lookup(lookup())
                        .checkpoint(crafted)
                        .data(DATA)
                        .build()
                        .run());
        assertTrue(
                e.getMessage()
                        .startsWith(crafted + ": its model options {hidden=20000,20000} make a 'fc' model of "
                                + new FcModelProvider().parameterCount(craftedSpec(saved))
                                + " parameters but its weights"
                                + " hold only "),
                e.getMessage());
    }

    private static ModelSpec craftedSpec(ModelSpec saved) {
        return new ModelSpec(
                saved.inputShape(),
                saved.numClasses(),
                saved.seed(),
                saved.device(),
                saved.threads(),
                new PluginOptions(Map.of("hidden", "20000,20000")));
    }

    @Test
    void fcEvaluationThroughTribuoHasTheNumbersOfTheCoresConfusionMatrix() {
        checkReport(train("fc"));
    }

    @Test
    void linearEvaluationThroughTribuoHasTheNumbersOfTheCoresConfusionMatrix() {
        checkReport(train("linear"));
    }

    private static void checkReport(Path checkpoint) {
        EvaluationResult result = Evaluation.builder()
                .lookup(lookup())
                .checkpoint(checkpoint)
                .data(DATA)
                .build()
                .run();
        ConfusionMatrix core = result.predictions().confusion();
        ClassificationReport tribuo = result.report().orElseThrow();
        assertTrue(tribuo.evaluator().startsWith("Tribuo "), tribuo.evaluator());
        assertArrayEquals(core.counts(), tribuo.confusion());
        assertEquals(core.accuracy(), tribuo.accuracy(), 1e-12);
        assertEquals(result.test().accuracy(), tribuo.accuracy(), 1e-12);
        for (int k = 0; k < 10; k++) {
            ClassificationReport.ClassScores scores = tribuo.classes().get(k);
            assertEquals(core.classNames().get(k), scores.name());
            // The core leaves a class never predicted (or absent) undefined; Tribuo scores it 0.
            assertEquals(orZero(core.precision(k)), scores.precision(), 1e-12, "precision of class " + k);
            assertEquals(orZero(core.recall(k)), scores.recall(), 1e-12, "recall of class " + k);
            assertEquals(orZero(core.f1(k)), scores.f1(), 1e-12, "f1 of class " + k);
        }
    }

    private static double orZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    @Test
    void theTribuoFileRecordsTheRunsConfiguration() throws Exception {
        Path checkpoint = train("linear");
        Path file = dir.resolve("linear.tribuo");
        ModelExport.toFormat(lookup(), checkpoint, DenseClassifier.TRIBUO_FORMAT, file, null);
        org.tribuo.Model<Label> model =
                org.tribuo.Model.deserializeFromFile(file).castModel(Label.class);
        ModelProvenance provenance = model.getProvenance();
        Map<String, Provenance> configuration =
                provenance.getTrainerProvenance().getConfiguredParameters();
        assertEquals("blobs", configuration.get("dataset").toString());
        assertEquals("linear", configuration.get("model").toString());
        assertEquals(
                TribuoLinearTrainerProvider.NAME, configuration.get("trainer").toString());
        assertEquals("64", configuration.get("batch_size").toString());
        assertEquals("0.8", configuration.get("train_ratio").toString());
        assertEquals(
                TribuoLinearTrainer.class.getName(),
                provenance.getTrainerProvenance().getClassName());
        assertEquals(TribuoFixtures.CLASSES.size(), model.getOutputIDInfo().size());
        for (String name : TribuoFixtures.CLASSES) {
            assertTrue(model.getOutputIDInfo().getID(new Label(name)) >= 0, name);
        }
    }
}
