package org.mltoolkit.plugin.support.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.TrainerSpec;

/** The update rules against PyTorch's formulas computed here in double precision. */
class AdamAndSgdRulesTest {

    private static Optimizer create(String optimizer, double lr, Map<String, String> options, Parameter... params) {
        return Optimizers.create(
                new TrainerSpec(optimizer, lr, 1, new PluginOptions(options)), List.of(params), 1, "test", Set.of());
    }

    @Test
    void adamFollowsPyTorchsUpdateRule() {
        FloatBuffer p = Buffers.of(1f, -2f);
        FloatBuffer g = Buffers.of(0.5f, 0f);
        try (Optimizer adam = create("adam", 0.1, Map.of(), Buffers.parameter("w", p, g))) {
            SquaredNorms norms = adam.step();
            // m_hat = g, v_hat = g^2: the first step moves every parameter with a gradient by lr.
            assertArrayEquals(new float[] {0.9f, -2f}, Buffers.toArray(p), 1e-6f);
            assertEquals(5.0, norms.parameters(), 1e-9);
            assertEquals(0.25, norms.gradients(), 1e-9);
            g.put(0, -0.5f);
            adam.step();
            // m = 0.9*0.05 - 0.05 = -0.005, v = 0.999*0.00025 + 0.00025; bias-corrected by 0.19 and 0.001999.
            double m = -0.005 / 0.19;
            double v = (0.999 * 0.00025 + 0.00025) / (1 - 0.999 * 0.999);
            assertEquals(0.9 - 0.1 * m / (Math.sqrt(v) + 1e-8), p.get(0), 1e-6);
        }
    }

    @Test
    void adamWeightDecayIsAddedToTheGradient() {
        FloatBuffer p = Buffers.of(2f);
        FloatBuffer g = Buffers.of(0.25f);
        try (Optimizer adam = create(
                "adam",
                0.01,
                Map.of("weight_decay", "0.5", "beta1", "0.8", "eps", "0.1"),
                Buffers.parameter("w", p, g))) {
            adam.step();
            double grad = 0.25 + 0.5 * 2;
            // The first step's bias-corrected moments are g and g^2 whatever the betas.
            assertEquals(2 - 0.01 * grad / (Math.abs(grad) + 0.1), p.get(0), 1e-6);
        }
    }

    @Test
    void sgdWithMomentumDampeningAndWeightDecay() {
        FloatBuffer p = Buffers.of(1f, -1f);
        FloatBuffer g = Buffers.of(0.5f, 0.25f);
        try (Optimizer sgd = create(
                "sgd",
                0.1,
                Map.of("momentum", "0.9", "dampening", "0.5", "weight_decay", "0.1"),
                Buffers.parameter("w", p, g))) {
            double[] pd = {1, -1};
            double[] gd = {0.5, 0.25};
            double[] buf = new double[2];
            for (int step = 0; step < 3; step++) {
                sgd.step();
                for (int i = 0; i < 2; i++) {
                    double d = gd[i] + 0.1 * pd[i];
                    buf[i] = step == 0 ? d : 0.9 * buf[i] + 0.5 * d;
                    pd[i] -= 0.1 * buf[i];
                }
                assertArrayEquals(new float[] {(float) pd[0], (float) pd[1]}, Buffers.toArray(p), 1e-6f);
            }
        }
    }

    @Test
    void sgdWithNesterov() {
        FloatBuffer p = Buffers.of(1f);
        FloatBuffer g = Buffers.of(0.5f);
        try (Optimizer sgd =
                create("sgd", 0.1, Map.of("momentum", "0.5", "nesterov", "true"), Buffers.parameter("w", p, g))) {
            double pd = 1;
            double buf = 0;
            for (int step = 0; step < 3; step++) {
                sgd.step();
                buf = step == 0 ? 0.5 : 0.5 * buf + 0.5;
                pd -= 0.1 * (0.5 + 0.5 * buf);
                assertEquals(pd, p.get(0), 1e-6);
            }
        }
    }

    @Test
    void plainSgdByDefaultKeepsOnlyTheStepCount() {
        FloatBuffer p = Buffers.of(1f, 2f);
        FloatBuffer g = Buffers.of(1f, -1f);
        try (Optimizer sgd = create("SGD", 0.5, Map.of(), Buffers.parameter("w", p, g))) {
            sgd.step();
            sgd.step();
            assertArrayEquals(new float[] {0f, 3f}, Buffers.toArray(p));
            assertEquals(List.of("step"), List.copyOf(sgd.state().keySet()));
            assertEquals(2f, sgd.state().get("step").data()[0]);
        }
    }
}
