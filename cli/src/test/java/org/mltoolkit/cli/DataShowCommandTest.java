package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.engine.BatchLoader;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;

/** {@code data show}: the examples as stored, or as a training run's augmentation transforms them. */
class DataShowCommandTest {
    private static final ExampleShape SHAPE = new ExampleShape(1, 12, 12);
    private static final DatasetSplits STROKES = strokes();

    @TempDir
    Path temp;

    /** 40 + 10 images of 12 x 12 pixels: a bright vertical bar whose column is the label (0 to 3), on noise. */
    private static DatasetSplits strokes() {
        SplittableRandom random = new SplittableRandom(5);
        LabeledData[] splits = new LabeledData[2];
        for (int s = 0; s < 2; s++) {
            int n = s == 0 ? 40 : 10;
            float[] features = new float[n * SHAPE.size()];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 4;
                for (int p = 0; p < SHAPE.size(); p++) {
                    features[i * SHAPE.size() + p] =
                            p % 12 == 3 + 2 * labels[i] ? 1f : (float) (0.2 * random.nextDouble());
                }
            }
            splits[s] = new LabeledData(features, labels, SHAPE, 4);
        }
        return new DatasetSplits("strokes", splits[0], splits[1], List.of("a", "b", "c", "d"));
    }

    Run toolkit(String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(new InMemoryDataset(STROKES)),
                List.of(new SoftmaxRegression.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        return InProcessToolkit.run(temp.resolve("data"), lookup, args);
    }

    /** The pixels of training example {@code example} in {@code epoch} as a run's loader hands them to the model. */
    private static float[] asTrainingSeesIt(Augmentation augmentation, long seed, int epoch, int example) {
        int[] all = new int[STROKES.train().size()];
        Arrays.setAll(all, i -> i);
        BatchLoader loader = new BatchLoader(STROKES.train(), all, 7, true, seed, InputLayout.IMAGE, augmentation);
        int[] order = loader.epochOrder(epoch);
        int position = 0;
        for (Iterator<Batch> batches = loader.batches(epoch); batches.hasNext(); ) {
            Batch batch = batches.next();
            for (int i = 0; i < batch.size(); i++, position++) {
                if (order[position] == example) {
                    float[] pixels = new float[SHAPE.size()];
                    System.arraycopy(batch.features(), i * SHAPE.size(), pixels, 0, SHAPE.size());
                    return pixels;
                }
            }
        }
        throw new AssertionError("example " + example + " is not in the epoch");
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    /** Training examples 5 to 10 as seed 7 and {@code epoch} transform them, drawn to {@code png}. */
    private Run showAugmented(int epoch, Path png) {
        return toolkit(
                "data",
                "show",
                "strokes",
                "--augment",
                "rotate=20,elastic=8:2",
                "--seed",
                "7",
                "--epoch",
                "" + epoch,
                "--first",
                "5",
                "--count",
                "6",
                "--per-row",
                "3",
                "--png",
                png.toString());
    }

    @Test
    void augmentedExamplesArePicturedExactlyAsTheTrainingLoaderTransformsThem() throws IOException {
        Path shown = temp.resolve("shown.png");
        Run run = showAugmented(3, shown);
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(
                run.out()
                        .contains("Shown: 6 example(s) of the train split of strokes from #5, as 'train --augment "
                                + "rotate=20,shift=2,scale=0.9:1.1,elastic=8:2 --seed 7' transforms them in epoch 3."),
                run.out());
        assertTrue(run.out().startsWith("#5 b"), run.out());

        Augmentation augmentation = Augmentation.parse("rotate=20,elastic=8:2");
        List<DigitPictures.Tile> expected = new ArrayList<>();
        for (int i = 5; i < 11; i++) {
            int label = STROKES.train().labels()[i];
            expected.add(new DigitPictures.Tile(
                    asTrainingSeesIt(augmentation, 7, 3, i), 0, "#" + i + " " + "abcd".charAt(label), true, label));
        }
        Path fromLoader = temp.resolve("loader.png");
        DigitPictures.png(expected, SHAPE, 3, fromLoader);
        assertArrayEquals(pixels(fromLoader), pixels(shown));
        assertTrue(run.out().startsWith(DigitPictures.text(expected, SHAPE, 3)), run.out());

        Path plain = temp.resolve("plain.png");
        assertEquals(
                ExitCodes.OK,
                toolkit(
                                "data",
                                "show",
                                "strokes",
                                "--first",
                                "5",
                                "--count",
                                "6",
                                "--per-row",
                                "3",
                                "--png",
                                "" + plain)
                        .exitCode());
        assertFalse(Arrays.equals(pixels(plain), pixels(shown)), "the augmentation changes the pictures");
        Path otherEpoch = temp.resolve("other.png");
        showAugmented(4, otherEpoch);
        assertFalse(Arrays.equals(pixels(otherEpoch), pixels(shown)), "each epoch draws anew");

        Path alone = temp.resolve("alone.png");
        Path named = temp.resolve("default.png");
        toolkit("data", "show", "strokes", "--first", "5", "--png", alone.toString(), "--augment");
        toolkit("data", "show", "strokes", "--first", "5", "--png", named.toString(), "--augment", "default");
        assertArrayEquals(pixels(named), pixels(alone), "--augment alone is train's default");
    }

    @Test
    void testImagesArePicturedAsStored() throws IOException {
        Path shown = temp.resolve("test.png");
        Run run = toolkit("data", "show", "strokes", "--split", "test", "--count", "20", "--png", shown.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("Shown: 10 example(s) of the test split of strokes from #0."), run.out());
        List<DigitPictures.Tile> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] pixels = new float[SHAPE.size()];
            STROKES.test().copyExample(i, pixels, 0);
            int label = STROKES.test().labels()[i];
            expected.add(new DigitPictures.Tile(pixels, 0, "#" + i + " " + "abcd".charAt(label), true, label));
        }
        Path stored = temp.resolve("stored.png");
        DigitPictures.png(expected, SHAPE, 8, stored);
        assertArrayEquals(pixels(stored), pixels(shown));
    }

    @Test
    void optionsThatDoNotFitAreOneLineErrorsAndWriteNothing() {
        Path png = temp.resolve("never.png");
        String[][] cases = {
            {"--split", "valid"},
            {"--split", "test", "--augment", "default"},
            {"--seed", "3"},
            {"--epoch", "2"},
            {"--augment", "default", "--epoch", "0"},
            {"--augment", "elastic=-1"},
            {"--first", "40"},
            {"--count", "0"},
        };
        String[] messages = {
            "error: invalid value 'valid' for --split: expected train or test",
            "error: --augment draws training examples; test images are never transformed",
            "error: --seed goes with --augment",
            "error: --epoch goes with --augment",
            "error: invalid value '0' for --epoch: epochs count from 1",
            "error: invalid value 'elastic=-1' for --augment: the displacement scale must be a number of pixels >= 0",
            "error: invalid value '40' for --first: the train split of strokes has 40 examples",
            "error: invalid value '0' for --count: must be at least 1",
        };
        for (int c = 0; c < cases.length; c++) {
            List<String> args = new ArrayList<>(List.of("data", "show", "strokes", "--png", png.toString()));
            args.addAll(List.of(cases[c]));
            Run run = toolkit(args.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().startsWith(messages[c]), run.err());
            assertFalse(Files.exists(png), String.join(" ", cases[c]));
        }
    }
}
