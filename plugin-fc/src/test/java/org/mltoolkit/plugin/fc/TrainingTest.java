package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;

/** One-epoch learning, save/load, optimizer-state round trips and thread-count independence. */
class TrainingTest {

    private static double accuracy(Model model, LabeledData data) {
        Batch all = Fixtures.batch(data, 0, data.size());
        float[] out = new float[data.size() * 10];
        model.predictLogProbabilities(all, out);
        return (double) Metrics.countCorrect(out, data.labels(), data.size(), 10) / data.size();
    }

    private static double meanLoss(Model model, LabeledData data) {
        Batch all = Fixtures.batch(data, 0, data.size());
        float[] out = new float[data.size() * 10];
        model.predictLogProbabilities(all, out);
        return Metrics.sumNll(out, data.labels(), data.size(), 10) / data.size();
    }

    /** Trains one epoch in batches of 256 and returns the last step's result. */
    private static StepResult epoch(Trainer trainer, LabeledData data) {
        return epoch(trainer, data, 256);
    }

    private static StepResult epoch(Trainer trainer, LabeledData data, int batchSize) {
        StepResult last = null;
        for (int b = 0; b < data.size(); b += batchSize) {
            last = trainer.step(Fixtures.batch(data, b, Math.min(batchSize, data.size() - b)));
        }
        return last;
    }

    @Test
    void fcLearnsInOneEpochOnSyntheticData() {
        LabeledData train = Fixtures.blobs(3000, Fixtures.MNIST_SHAPE, 0.9, 1);
        LabeledData valid = Fixtures.blobs(1000, Fixtures.MNIST_SHAPE, 0.9, 1);
        try (Model model = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 5, 2));
                Trainer trainer = new BackpropTrainerProvider().create(model, Fixtures.adam())) {
            assertEquals(802_160, model.parameterCount());
            double before = meanLoss(model, valid);
            StepResult first = trainer.step(Fixtures.batch(train, 0, 64));
            StepResult last = epoch(trainer, train, 64);
            assertTrue(first.loss() > 1.5, "first loss " + first.loss());
            assertTrue(last.loss() < 0.5 * first.loss(), "loss " + first.loss() + " -> " + last.loss());
            assertTrue(first.gradientNorm() > 0 && first.parameterNorm() > 0);
            double after = meanLoss(model, valid);
            assertTrue(after < 0.3 * before, "validation loss " + before + " -> " + after);
            assertTrue(accuracy(model, valid) > 0.9, "validation accuracy " + accuracy(model, valid));
        }
    }

    @Test
    void fcTakesColourImagesOfAnySizeAsAVectorOfChannelsTimesHeightTimesWidth() {
        ExampleShape colour = new ExampleShape(3, 12, 10);
        LabeledData train = Fixtures.blobs(3000, colour, 0.9, 3);
        LabeledData valid = Fixtures.blobs(1000, colour, 0.9, 3);
        try (Model model = new FcModelProvider().create(Fixtures.spec(colour, 5, 2));
                Trainer trainer = new BackpropTrainerProvider().create(model, Fixtures.adam())) {
            // The first layer has 3*12*10 = 360 inputs: the reference's 784-wide network has 802,160 parameters.
            assertEquals(802_160 - (784 - 360) * 500, model.parameterCount());
            epoch(trainer, train, 64);
            assertTrue(accuracy(model, valid) > 0.9, "validation accuracy " + accuracy(model, valid));
        }
    }

    @Test
    void linearLearnsWithBothTrainers() {
        LabeledData train = Fixtures.blobs(3000, Fixtures.MNIST_SHAPE, 0.9, 2);
        LabeledData valid = Fixtures.blobs(1000, Fixtures.MNIST_SHAPE, 0.9, 2);
        for (var provider : new org.mltoolkit.api.TrainerProvider[] {
            new TribuoLinearTrainerProvider(), new BackpropTrainerProvider()
        }) {
            try (Model model = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 5, 2));
                    Trainer trainer = provider.create(
                            model, new TrainerSpec("adam", 1e-2, 1, org.mltoolkit.api.PluginOptions.empty()))) {
                assertEquals(7_850, model.parameterCount());
                double before = meanLoss(model, valid);
                epoch(trainer, train);
                double after = meanLoss(model, valid);
                assertTrue(after < 0.5 * before, provider.name() + ": validation loss " + before + " -> " + after);
                assertTrue(accuracy(model, valid) > 0.9, provider.name() + ": accuracy " + accuracy(model, valid));
            }
        }
    }

    @Test
    void tribuoGradientsEqualBackpropGradientsForTheLinearModel() {
        LabeledData data = Fixtures.blobs(64, Fixtures.MNIST_SHAPE, 0.5, 3);
        Batch batch = Fixtures.batch(data, 0, 64);
        try (Model a = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 9, 1));
                Model b = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 9, 1));
                Trainer tribuo = new TribuoLinearTrainerProvider().create(a, Fixtures.sgd(0.5, 0));
                Trainer backprop = new BackpropTrainerProvider().create(b, Fixtures.sgd(0.5, 0))) {
            StepResult ra = tribuo.step(batch);
            StepResult rb = backprop.step(batch);
            assertEquals(rb.loss(), ra.loss(), 1e-5);
            assertEquals(rb.correct(), ra.correct());
            assertEquals(rb.gradientNorm(), ra.gradientNorm(), 1e-5 * rb.gradientNorm());
            float[] wa = a.stateDict().get("layers.0.weight").data();
            float[] wb = b.stateDict().get("layers.0.weight").data();
            assertArrayEquals(wb, wa, 1e-5f);
        }
    }

    @Test
    void stateDictSaveLoadGivesTheSamePredictions() {
        LabeledData data = Fixtures.blobs(600, Fixtures.MNIST_SHAPE, 0.9, 4);
        try (Model trained = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 2));
                Trainer trainer = new BackpropTrainerProvider().create(trained, Fixtures.adam());
                Model fresh = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 2, 2))) {
            epoch(trainer, data);
            Map<String, Tensor> state = trained.stateDict();
            assertEquals(7 * 2 + 6 * 5, state.size());
            assertEquals(3.0f, state.get("layers.2.num_batches_tracked").data()[0]);
            fresh.loadStateDict(state);
            assertEquals(state, fresh.stateDict());
            Batch batch = Fixtures.batch(data, 0, 100);
            float[] expected = new float[1000];
            float[] actual = new float[1000];
            trained.predictLogProbabilities(batch, expected);
            fresh.predictLogProbabilities(batch, actual);
            assertArrayEquals(expected, actual);
            assertEquals(trained.parameterNorm(), fresh.parameterNorm());
        }
    }

    @Test
    void optimizerStateRoundTripGivesIdenticalNextSteps() {
        LabeledData data = Fixtures.blobs(1024, Fixtures.MNIST_SHAPE, 0.9, 5);
        for (TrainerSpec spec : new TrainerSpec[] {Fixtures.adam(), Fixtures.sgd(0.05, 0.9)}) {
            try (Model a = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 2));
                    Trainer ta = new BackpropTrainerProvider().create(a, spec)) {
                for (int b = 0; b < 512; b += 128) {
                    ta.step(Fixtures.batch(data, b, 128));
                }
                Map<String, Tensor> weights = a.stateDict();
                Map<String, Tensor> moments = ta.optimizerState();
                try (Model b = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 99, 2));
                        Trainer tb = new BackpropTrainerProvider().create(b, spec)) {
                    b.loadStateDict(weights);
                    tb.loadOptimizerState(moments);
                    for (int i = 512; i < 1024; i += 128) {
                        Batch batch = Fixtures.batch(data, i, 128);
                        StepResult ra = ta.step(batch);
                        StepResult rb = tb.step(batch);
                        assertEquals(ra, rb, spec.optimizer() + " step at " + i);
                    }
                    assertEquals(a.stateDict(), b.stateDict(), spec.optimizer());
                    assertEquals(ta.optimizerState(), tb.optimizerState(), spec.optimizer());
                }
            }
        }
    }

    @Test
    void twoThreadsComputeWhatOneThreadComputes() {
        LabeledData data = Fixtures.blobs(256, Fixtures.MNIST_SHAPE, 0.9, 6);
        Batch batch = Fixtures.batch(data, 0, 256);
        try (Model one = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1));
                Model two = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 2));
                Trainer t1 = new BackpropTrainerProvider().create(one, Fixtures.sgd(0.1, 0));
                Trainer t2 = new BackpropTrainerProvider().create(two, Fixtures.sgd(0.1, 0))) {
            // The row blocks differ, so the sums round differently: equal up to float rounding after one step
            // (SGD, because Adam's first step turns even a rounding-sized gradient into a full step of lr).
            StepResult r1 = t1.step(batch);
            StepResult r2 = t2.step(batch);
            assertEquals(r1.loss(), r2.loss(), 1e-6);
            assertEquals(r1.correct(), r2.correct());
            assertEquals(r1.gradientNorm(), r2.gradientNorm(), 1e-5 * r1.gradientNorm());
            assertEquals(r1.parameterNorm(), r2.parameterNorm(), 1e-6 * r1.parameterNorm());
            float[] w1 = one.stateDict().get("layers.0.weight").data();
            float[] w2 = two.stateDict().get("layers.0.weight").data();
            assertArrayEquals(w1, w2, 1e-5f);
            float[] p1 = new float[2560];
            float[] p2 = new float[2560];
            one.predictLogProbabilities(batch, p1);
            two.predictLogProbabilities(batch, p2);
            assertArrayEquals(p1, p2, 1e-4f);
        }
    }

    @Test
    void anOptimizerStateInTheEarlierFlatLayoutStillResumes() {
        LabeledData data = Fixtures.blobs(512, Fixtures.MNIST_SHAPE, 0.9, 7);
        for (TrainerSpec spec : new TrainerSpec[] {Fixtures.adam(), Fixtures.sgd(0.05, 0.9), Fixtures.sgd(0.05, 0)}) {
            String prefix = spec.optimizer() + ".";
            try (Model a = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1));
                    Trainer ta = new BackpropTrainerProvider().create(a, spec);
                    Model b = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 2, 1));
                    Trainer tb = new BackpropTrainerProvider().create(b, spec)) {
                ta.step(Fixtures.batch(data, 0, 128));
                ta.step(Fixtures.batch(data, 128, 128));
                // The layout checkpoints held before: one flat tensor per moment over weight then bias.
                Map<String, Tensor> current = ta.optimizerState();
                Map<String, Tensor> legacy = new java.util.LinkedHashMap<>();
                legacy.put(prefix + "step", current.get("step"));
                for (String slot : new String[] {"exp_avg", "exp_avg_sq", "momentum_buffer"}) {
                    Tensor w = current.get(slot + ".layers.0.weight");
                    if (w != null) {
                        float[] flat = java.util.Arrays.copyOf(w.data(), 7_850);
                        System.arraycopy(current.get(slot + ".layers.0.bias").data(), 0, flat, 7_840, 10);
                        legacy.put(prefix + slot, Tensor.copyOf(flat, 7_850));
                    } else if (slot.equals("momentum_buffer")
                            && spec.optimizer().equals("sgd")) {
                        legacy.put(prefix + slot, Tensor.copyOf(new float[0], 0));
                    }
                }
                b.loadStateDict(a.stateDict());
                tb.loadOptimizerState(legacy);
                assertEquals(current, tb.optimizerState(), spec.toString());
                Batch next = Fixtures.batch(data, 256, 128);
                assertEquals(ta.step(next), tb.step(next), spec.toString());
                assertEquals(a.stateDict(), b.stateDict(), spec.toString());
            }
        }
    }
}
