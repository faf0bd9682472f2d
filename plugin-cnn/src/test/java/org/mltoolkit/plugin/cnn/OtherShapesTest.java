package org.mltoolkit.plugin.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;

/**
 * The cnn takes images of any channels and size, as an image folder gives them: colour, not square, smaller than
 * its blocks halve (a side of 1 stays 1). It builds, predicts and learns a task that needs the channels.
 */
class OtherShapesTest {
    private static final int CLASSES = 3;

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"3, 20, 24", "3, 5, 7", "1, 33, 9"})
    void buildsAndLearnsOnImagesOfThisShape(int channels, int height, int width) {
        ExampleShape shape = new ExampleShape(channels, height, width);
        ModelSpec spec = new ModelSpec(
                shape, CLASSES, 5, Device.CPU, 1, new PluginOptions(Map.of("channels", "4,6,8", "hidden", "8")));
        try (Model model = new CnnModelProvider().create(spec);
                Trainer trainer = new OrtTrainerProvider()
                        .create(model, new TrainerSpec("adam", 1e-2, 1, PluginOptions.empty()))) {
            assertArrayEquals(new long[] {2, channels, height, width}, ((CnnModel) model).inputDims(2, shape));
            Batch heldOut = batch(shape, 60, 1000);
            for (int step = 0; step < 40; step++) {
                trainer.step(batch(shape, 24, step % 8));
            }
            float[] logProbs = new float[60 * CLASSES];
            model.predictLogProbabilities(heldOut, logProbs);
            int correct = Metrics.countCorrect(logProbs, heldOut.labels(), 60, CLASSES);
            assertTrue(correct >= 54, "held-out accuracy " + correct + "/60 on " + shape);
        }
    }

    /**
     * Class k is bright in channel k (of a colour image) or in the k-th third of the rows (of a grey one), with
     * noise everywhere.
     */
    private static Batch batch(ExampleShape shape, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] features = new float[size * shape.size()];
        int[] labels = new int[size];
        int plane = shape.height() * shape.width();
        for (int i = 0; i < size; i++) {
            int label = random.nextInt(CLASSES);
            labels[i] = label;
            for (int p = 0; p < shape.size(); p++) {
                int channel = p / plane;
                int row = (p % plane) / shape.width();
                boolean bright = shape.channels() == 3 ? channel == label : row * CLASSES / shape.height() == label;
                features[i * shape.size() + p] = (bright ? 0.7f : 0f) + (float) (random.nextDouble() * 0.3);
            }
        }
        return new Batch(features, labels, size, shape, InputLayout.IMAGE);
    }
}
