package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;

/** Bad state, bad options and bad devices get one clear error and change nothing. */
class ValidationTest {

    @Test
    void loadStateDictRejectsAWrongShapeAndLeavesTheModelUnchanged() {
        try (Model model = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1))) {
            Map<String, Tensor> original = model.stateDict();
            Map<String, Tensor> bad = new LinkedHashMap<>(original);
            bad.put("layers.0.weight", Tensor.copyOf(new float[500 * 784], 784, 500));
            bad.put("layers.3.bias", Tensor.copyOf(new float[400], 400));
            ToolkitException e = assertThrows(ToolkitException.class, () -> model.loadStateDict(bad));
            assertEquals(
                    "model fc: state entry 'layers.0.weight' has shape [784, 500], expected [500, 784]",
                    e.getMessage());
            assertEquals(original, model.stateDict());
        }
    }

    @Test
    void loadStateDictRejectsMissingAndUnexpectedEntries() {
        try (Model model = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1))) {
            Map<String, Tensor> missing = new LinkedHashMap<>(model.stateDict());
            missing.remove("layers.0.bias");
            ToolkitException e = assertThrows(ToolkitException.class, () -> model.loadStateDict(missing));
            assertTrue(e.getMessage().contains("'layers.0.bias' is missing"), e.getMessage());
            Map<String, Tensor> extra = new LinkedHashMap<>(model.stateDict());
            extra.put("layers.2.running_mean", Tensor.copyOf(new float[10], 10));
            e = assertThrows(ToolkitException.class, () -> model.loadStateDict(extra));
            assertTrue(e.getMessage().contains("unexpected state entry 'layers.2.running_mean'"), e.getMessage());
        }
    }

    @Test
    void optimizerStateOfAnotherModelIsRejected() {
        try (Model fc = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1));
                Model linear = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1));
                Trainer fcTrainer = new BackpropTrainerProvider().create(fc, Fixtures.adam());
                Trainer linearTrainer = new BackpropTrainerProvider().create(linear, Fixtures.adam())) {
            ToolkitException e = assertThrows(
                    ToolkitException.class, () -> fcTrainer.loadOptimizerState(linearTrainer.optimizerState()));
            assertEquals(
                    "optimizer adam: state entry 'exp_avg.layers.0.weight' has shape [10, 784], expected [500, 784]",
                    e.getMessage());
            Trainer sgd = new BackpropTrainerProvider().create(linear, Fixtures.sgd(0.1, 0.9));
            e = assertThrows(ToolkitException.class, () -> sgd.loadOptimizerState(linearTrainer.optimizerState()));
            assertTrue(
                    e.getMessage()
                            .startsWith("optimizer sgd: state entry 'momentum_buffer.layers.0.weight' is missing"),
                    e.getMessage());
            sgd.close();
        }
    }

    @Test
    void badOptionsAndDevicesAreRejected() {
        ModelSpec cuda = new ModelSpec(Fixtures.MNIST_SHAPE, 10, 1, Device.parse("cuda:0"), 1, PluginOptions.empty());
        ToolkitException e = assertThrows(ToolkitException.class, () -> new FcModelProvider().create(cuda));
        assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
        ModelSpec typo =
                new ModelSpec(Fixtures.MNIST_SHAPE, 10, 1, Device.CPU, 1, new PluginOptions(Map.of("hiden", "10")));
        assertThrows(InvalidConfigurationException.class, () -> new FcModelProvider().create(typo));
        ModelSpec badWidths =
                new ModelSpec(Fixtures.MNIST_SHAPE, 10, 1, Device.CPU, 1, new PluginOptions(Map.of("hidden", "10,-3")));
        assertThrows(InvalidConfigurationException.class, () -> new FcModelProvider().create(badWidths));
        try (Model model = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 1, 1))) {
            InvalidConfigurationException bad = assertThrows(
                    InvalidConfigurationException.class,
                    () -> new BackpropTrainerProvider()
                            .create(model, new TrainerSpec("rmsprop", 1e-3, 1, PluginOptions.empty())));
            assertTrue(bad.getMessage().contains("rmsprop"), bad.getMessage());
            assertThrows(
                    InvalidConfigurationException.class,
                    () -> new BackpropTrainerProvider()
                            .create(
                                    model,
                                    new TrainerSpec("adam", 1e-3, 1, new PluginOptions(Map.of("momentum", "0.9")))));
            assertThrows(
                    ToolkitException.class, () -> new TribuoLinearTrainerProvider().create(model, Fixtures.adam()));
        }
    }

    @Test
    void customHiddenWidthsBuildASmallerNetwork() {
        ModelSpec spec =
                new ModelSpec(Fixtures.MNIST_SHAPE, 10, 1, Device.CPU, 1, new PluginOptions(Map.of("hidden", "32,16")));
        try (Model model = new FcModelProvider().create(spec)) {
            assertEquals(784 * 32 + 32 + 64 + 32 * 16 + 16 + 32 + 16 * 10 + 10, model.parameterCount());
        }
    }
}
