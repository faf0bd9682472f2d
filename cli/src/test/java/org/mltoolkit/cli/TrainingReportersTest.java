package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.metrics.GradNorm;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.metrics.ParamNorm;
import org.mltoolkit.core.metrics.TrainAccuracy;
import org.mltoolkit.core.metrics.TrainLoss;
import org.mltoolkit.core.metrics.ValidAccuracy;
import org.mltoolkit.core.metrics.ValidLoss;
import org.mltoolkit.core.run.TrainingResult;
import org.mltoolkit.core.run.TrainingRun;
import org.mltoolkit.core.run.TrainingRunBuilder;
import org.mltoolkit.core.testing.SyntheticData;
import org.mltoolkit.core.testing.TestExtensions;

/** The console's view of a run: the reference's epoch lines and the live progress bar, attached to a core run. */
class TrainingReportersTest {
    /** 400 training examples: 320 train and 80 validate, 10 batches of 32 per epoch. */
    private static final DatasetSplits DATA = SyntheticData.make("synthetic", 400, 100, 4, 1);

    private static final String NUMBER = "\\d\\.\\d{4}e[+-]\\d{2}";

    @TempDir
    Path dir;

    private static TrainingRunBuilder softmax(Path runDir) {
        return TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .model("softmax")
                .batchSize(32)
                .epochs(3)
                .learningRate(0.05)
                .seed(7)
                .runDir(runDir);
    }

    @Test
    void theEpochLinesAreTheReferencesTwoLinesPerEpochWithTheRecordedValues() {
        StringWriter text = new StringWriter();
        TrainingRunBuilder run = softmax(dir.resolve("run"));
        EpochLineReporter.attach(run, MetricSet.standard(), new PrintWriter(text));
        TrainingResult result = run.build().run();

        List<String> lines = text.toString().lines().toList();
        assertEquals(6, lines.size(), lines.toString());
        for (int epoch = 1; epoch <= 3; epoch++) {
            String train = lines.get(2 * epoch - 2);
            String valid = lines.get(2 * epoch - 1);
            assertTrue(
                    train.matches("EPOCH " + epoch + " - \\|param\\|=" + NUMBER + " \\|g_param\\|=" + NUMBER + " loss="
                            + NUMBER + " accuracy=\\d\\.\\d{4}"),
                    train);
            assertTrue(
                    valid.matches("Validation - loss=" + NUMBER + " accuracy=\\d\\.\\d{4} best_loss=" + NUMBER), valid);
            EpochMetrics m = result.history().get(epoch - 1);
            assertTrue(
                    train.startsWith(String.format(
                            Locale.ROOT,
                            "EPOCH %d - |param|=%.4e |g_param|=%.4e loss=%.4e accuracy=%.4f",
                            epoch,
                            m.value(ParamNorm.NAME),
                            m.value(GradNorm.NAME),
                            m.value(TrainLoss.NAME),
                            m.value(TrainAccuracy.NAME))),
                    train);
            assertTrue(
                    valid.startsWith(String.format(
                            Locale.ROOT,
                            "Validation - loss=%.4e accuracy=%.4f",
                            m.value(ValidLoss.NAME),
                            m.value(ValidAccuracy.NAME))),
                    valid);
        }
        assertTrue(lines.get(5).endsWith(String.format(Locale.ROOT, "best_loss=%.4e", result.bestValidLoss())));
    }

    @Test
    void theProgressBarsShowEachEpochsImagesAndRunningMetricsThenTheValidationPass() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        StringWriter lines = new StringWriter();
        TrainingRunBuilder run = softmax(dir.resolve("run")).epochs(2);
        ProgressBarReporter.attach(run, MetricSet.standard(), stream);
        EpochLineReporter.attach(run, MetricSet.standard(), new PrintWriter(lines));
        run.build().run();

        String bar = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("Epoch 1/2") && bar.contains("Epoch 2/2"), bar);
        assertTrue(bar.contains("img/s"), bar);
        assertTrue(bar.contains("320/320"), bar);
        assertTrue(bar.contains("loss=") && bar.contains("acc=") && bar.contains("|g_param|="), bar);
        // Each epoch's validation pass over the 80 held-out examples gets its own bar after the epoch's.
        assertTrue(bar.contains("Validation 1/2") && bar.contains("Validation 2/2"), bar);
        assertTrue(bar.contains("80/80"), bar);
        assertTrue(bar.indexOf("Validation 1/2") > bar.indexOf("Epoch 1/2"), bar);
        assertTrue(bar.indexOf("Validation 1/2") < bar.indexOf("Epoch 2/2"), bar);
        assertTrue(lines.toString().contains("EPOCH 2 - |param|="), lines.toString());
    }
}
