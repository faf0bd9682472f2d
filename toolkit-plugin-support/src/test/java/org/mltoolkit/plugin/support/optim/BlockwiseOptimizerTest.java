package org.mltoolkit.plugin.support.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.TrainerSpec;

/**
 * The flat-range machinery: blocks that span parameters, chunks over threads, state by name, and settings checked
 * before anything is built.
 */
class BlockwiseOptimizerTest {
    /** Sizes with empty, tiny and odd parameters; their sum (140,007) is long enough to be split over threads. */
    private static final int[] SIZES = {3, 0, 70_001, 1, 2_047, 0, 67_955};

    private static final TrainerSpec ADAM = new TrainerSpec("adam", 1e-3, 1, PluginOptions.empty());
    private static final TrainerSpec SGD =
            new TrainerSpec("sgd", 0.05, 1, new PluginOptions(Map.of("momentum", "0.9", "nesterov", "true")));

    private static int total() {
        int total = 0;
        for (int s : SIZES) {
            total += s;
        }
        return total;
    }

    /** The parameters of SIZES over fresh copies of {@code values} and {@code gradients}. */
    private static List<Parameter> split(FloatBuffer values, FloatBuffer gradients) {
        List<Parameter> parameters = new ArrayList<>();
        int offset = 0;
        for (int k = 0; k < SIZES.length; k++) {
            int n = SIZES[k];
            parameters.add(Buffers.parameter("p" + k, copy(values.slice(offset, n)), copy(gradients.slice(offset, n))));
            offset += n;
        }
        return parameters;
    }

    private static FloatBuffer copy(FloatBuffer source) {
        return Buffers.of(Buffers.toArray(source));
    }

    private static float[] concatenated(List<Parameter> parameters) {
        float[] all = new float[total()];
        int offset = 0;
        for (Parameter p : parameters) {
            p.values().get(0, all, offset, p.size());
            offset += p.size();
        }
        return all;
    }

    @Test
    void manyParametersAreUpdatedLikeOneFlatParameter() {
        for (TrainerSpec spec : new TrainerSpec[] {ADAM, SGD}) {
            FloatBuffer values = Buffers.random(total(), 1, 1);
            FloatBuffer gradients = Buffers.random(total(), 1e-2, 2);
            List<Parameter> many = split(values, gradients);
            Parameter flat = Buffers.parameter("all", values, gradients);
            try (Optimizer a = Optimizers.create(spec, many, 2, "test", Set.of());
                    Optimizer b = Optimizers.create(spec, List.of(flat), 2, "test", Set.of())) {
                for (int step = 0; step < 3; step++) {
                    SquaredNorms na = a.step();
                    SquaredNorms nb = b.step();
                    assertEquals(nb, na, spec.optimizer() + " step " + step);
                }
                assertArrayEquals(Buffers.toArray(values), concatenated(many), spec.optimizer());
            }
        }
    }

    @Test
    void theThreadCountChangesTheNormsAtRoundingLevelAndTheUpdateNotAtAll() {
        FloatBuffer values = Buffers.random(total(), 1, 3);
        FloatBuffer gradients = Buffers.random(total(), 1e-2, 4);
        List<Parameter> one = split(values, gradients);
        List<Parameter> two = split(values, gradients);
        try (Optimizer a = Optimizers.create(ADAM, one, 1, "test", Set.of());
                Optimizer b = Optimizers.create(ADAM, two, 2, "test", Set.of())) {
            for (int step = 0; step < 3; step++) {
                SquaredNorms na = a.step();
                SquaredNorms nb = b.step();
                assertEquals(na.parameters(), nb.parameters(), 1e-6 * na.parameters());
                assertEquals(na.gradients(), nb.gradients(), 1e-6 * na.gradients());
            }
            assertArrayEquals(concatenated(one), concatenated(two));
            assertEquals(a.state(), b.state());
        }
    }

    @Test
    void aRestoredStateGivesIdenticalNextSteps() {
        for (TrainerSpec spec : new TrainerSpec[] {ADAM, SGD}) {
            FloatBuffer values = Buffers.random(total(), 1, 5);
            FloatBuffer gradients = Buffers.random(total(), 1e-2, 6);
            List<Parameter> first = split(values, gradients);
            try (Optimizer a = Optimizers.create(spec, first, 2, "test", Set.of())) {
                a.step();
                a.step();
                List<Parameter> second = split(FloatBuffer.wrap(concatenated(first)), gradients);
                try (Optimizer b = Optimizers.create(spec, second, 1, "test", Set.of())) {
                    b.loadState(a.state());
                    for (int step = 0; step < 2; step++) {
                        a.step();
                        b.step();
                    }
                    assertArrayEquals(concatenated(first), concatenated(second), spec.optimizer());
                    assertEquals(a.state(), b.state(), spec.optimizer());
                }
            }
        }
    }

    @Test
    void stateTensorsAreNamedBySlotAndParameterWithTheParameterShape() {
        FloatBuffer w = Buffers.random(6, 1, 7);
        Parameter weight = new Parameter("fc.weight", new long[] {2, 3}, w, Buffers.random(6, 1, 8));
        Parameter bias = Buffers.parameter("fc.bias", Buffers.of(0f, 0f), Buffers.of(1f, 1f));
        try (Optimizer adam = Optimizers.create(ADAM, List.of(weight, bias), 1, "test", Set.of())) {
            adam.step();
            Map<String, Tensor> state = adam.state();
            assertEquals(
                    List.of(
                            "step",
                            "exp_avg.fc.weight",
                            "exp_avg.fc.bias",
                            "exp_avg_sq.fc.weight",
                            "exp_avg_sq.fc.bias"),
                    List.copyOf(state.keySet()));
            assertArrayEquals(new long[] {2, 3}, state.get("exp_avg.fc.weight").shape());
            assertArrayEquals(
                    new float[] {0.1f, 0.1f}, state.get("exp_avg.fc.bias").data(), 1e-7f);
        }
    }

    @Test
    void aBadStateIsRejectedByNameAndChangesNothing() {
        Parameter bias = Buffers.parameter("fc.bias", Buffers.of(0f, 0f), Buffers.of(1f, 1f));
        try (Optimizer adam = Optimizers.create(ADAM, List.of(bias), 1, "test", Set.of());
                Optimizer sgd = Optimizers.create(SGD, List.of(bias), 1, "test", Set.of())) {
            adam.step();
            Map<String, Tensor> good = adam.state();

            Map<String, Tensor> missing = new LinkedHashMap<>(good);
            missing.remove("exp_avg_sq.fc.bias");
            ToolkitException e = assertThrows(ToolkitException.class, () -> adam.loadState(missing));
            assertEquals(
                    "optimizer adam: state entry 'exp_avg_sq.fc.bias' is missing; the state holds step, exp_avg.*",
                    e.getMessage());

            Map<String, Tensor> misshapen = new LinkedHashMap<>(good);
            misshapen.put("exp_avg.fc.bias", Tensor.copyOf(new float[3], 3));
            e = assertThrows(ToolkitException.class, () -> adam.loadState(misshapen));
            assertEquals("optimizer adam: state entry 'exp_avg.fc.bias' has shape [3], expected [2]", e.getMessage());

            Map<String, Tensor> extra = new LinkedHashMap<>(good);
            extra.put("momentum_buffer.fc.bias", Tensor.copyOf(new float[2], 2));
            e = assertThrows(ToolkitException.class, () -> adam.loadState(extra));
            assertEquals("optimizer adam: unexpected state entry 'momentum_buffer.fc.bias'", e.getMessage());

            Map<String, Tensor> fractional = new LinkedHashMap<>(good);
            fractional.put("step", Tensor.scalar(1.5));
            e = assertThrows(ToolkitException.class, () -> adam.loadState(fractional));
            assertEquals("optimizer adam: state entry 'step' is 1.5, expected a whole number >= 0", e.getMessage());

            e = assertThrows(ToolkitException.class, () -> sgd.loadState(good));
            assertEquals(
                    "optimizer sgd: state entry 'momentum_buffer.fc.bias' is missing; the state holds step, exp_avg.*,"
                            + " exp_avg_sq.*",
                    e.getMessage());
            assertEquals(good, adam.state(), "a refused state changes nothing");
        }
    }

    @Test
    void settingsAreCheckedWithTheSettingOrOptionNamed() {
        List<Parameter> one = List.of(Buffers.parameter("w", Buffers.of(1f), Buffers.of(1f)));
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> Optimizers.create(
                        new TrainerSpec("rmsprop", 1e-3, 1, PluginOptions.empty()), one, 1, "trainer 'x'", Set.of()));
        assertEquals("optimizer", e.getSetting());
        assertEquals("invalid value 'rmsprop' for optimizer: trainer 'x' knows adam and sgd", e.getMessage());

        e = assertThrows(
                InvalidConfigurationException.class,
                () -> Optimizers.create(
                        new TrainerSpec("adam", 1e-3, 1, new PluginOptions(Map.of("momentum", "0.9"))),
                        one,
                        1,
                        "trainer 'x'",
                        Set.of("profile")));
        assertEquals(
                "invalid value '0.9' for momentum: not an option of trainer 'x' with adam (known: beta1, beta2, eps,"
                        + " profile, weight_decay)",
                e.getMessage());

        for (Map<String, String> bad : List.of(
                Map.of("beta1", "1"),
                Map.of("beta2", "-0.1"),
                Map.of("eps", "-1"),
                Map.of("weight_decay", "Infinity"),
                Map.of("beta1", "lots"))) {
            assertThrows(
                    InvalidConfigurationException.class,
                    () -> Optimizers.create(
                            new TrainerSpec("adam", 1e-3, 1, new PluginOptions(bad)), one, 1, "t", Set.of()),
                    bad.toString());
        }
        for (Map<String, String> bad : List.of(
                Map.of("momentum", "-0.5"),
                Map.of("dampening", "1"),
                Map.of("nesterov", "true"),
                Map.of("nesterov", "true", "momentum", "0.9", "dampening", "0.1"))) {
            assertThrows(
                    InvalidConfigurationException.class,
                    () -> Optimizers.create(
                            new TrainerSpec("sgd", 1e-3, 1, new PluginOptions(bad)), one, 1, "t", Set.of()),
                    bad.toString());
        }
        try (Optimizer withTrainerOption = Optimizers.create(
                new TrainerSpec("sgd", 1e-3, 1, new PluginOptions(Map.of("profile", "x"))),
                one,
                1,
                "t",
                Set.of("profile"))) {
            assertTrue(withTrainerOption.toString().startsWith("SGD(lr=0.001, momentum=0.0"));
        }
    }

    @Test
    void theLearningRateMustBePositiveAndABadOneChangesNothing() {
        List<Parameter> one = List.of(Buffers.parameter("w", Buffers.of(1f), Buffers.of(1f)));
        try (Optimizer adam = Optimizers.create(ADAM, one, 1, "t", Set.of())) {
            adam.setLearningRate(0.5);
            for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
                InvalidConfigurationException e =
                        assertThrows(InvalidConfigurationException.class, () -> adam.setLearningRate(bad));
                assertEquals("learningRate", e.getSetting());
            }
            assertEquals(0.5, adam.learningRate());
        }
    }

    @Test
    void parametersAndThreadsAreChecked() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Parameter("w", new long[] {2, 3}, Buffers.allocate(6), Buffers.allocate(5)));
        assertEquals(
                "parameter 'w' of shape [2, 3] has 6 elements, but its values hold 6 and its gradients 5",
                e.getMessage());
        Parameter w = Buffers.parameter("w", Buffers.of(1f), Buffers.of(1f));
        e = assertThrows(
                IllegalArgumentException.class, () -> Optimizers.create(ADAM, List.of(w, w), 1, "t", Set.of()));
        assertEquals("two parameters are named 'w'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create(ADAM, List.of(w), 0, "t", Set.of()));
        assertEquals("an optimizer needs at least 1 thread, got 0", e.getMessage());
    }
}
