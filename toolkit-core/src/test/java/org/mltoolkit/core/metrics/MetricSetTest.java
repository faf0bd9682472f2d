package org.mltoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.core.engine.Engine;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.testing.Batches;

class MetricSetTest {
    @Test
    void theStandardMetricsAreTheReferencesThenTheRatesTimesAndSpeedInTheOrderOfMetricsJsonl() {
        assertEquals(
                List.of(
                        "train_loss",
                        "train_accuracy",
                        "param_norm",
                        "grad_norm",
                        "valid_loss",
                        "valid_accuracy",
                        "lr",
                        "seconds",
                        "valid_seconds",
                        "train_images_per_second"),
                MetricSet.standard().all().stream().map(Metric::name).toList());
    }

    @Test
    void attachedTrainingMetricsResetAtEachEpochStartAndPublishTheirValuesAfterEveryStep() {
        // Losses 1..4 in epoch 1, 10..13 in epoch 2 (batches of two examples, one right).
        List<Double> losses = new ArrayList<>(List.of(1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0, 13.0));
        Engine engine = new Engine(batch -> new StepResult(losses.remove(0), 1, 5.0, 0.5));
        MetricSet metrics = MetricSet.standard();
        metrics.attach(engine);
        List<Double> endOfEpoch = new ArrayList<>();
        List<Double> firstOfEpoch = new ArrayList<>();
        engine.on(Event.ITERATION_COMPLETED, e -> {
            if (e.state().epochIteration() == 1) {
                firstOfEpoch.add(e.state().metric(TrainLoss.NAME));
            }
        });
        engine.on(Event.EPOCH_COMPLETED, e -> endOfEpoch.add(e.state().metric(TrainLoss.NAME)));
        engine.run(Batches.repeated(4, 2), 0, 2);

        assertEquals(List.of(1.0, 10.0), firstOfEpoch);
        double e1 = 1.0;
        for (double x : new double[] {2, 3, 4}) {
            e1 = 0.98 * e1 + 0.02 * x;
        }
        assertEquals(e1, endOfEpoch.get(0), 1e-12);
        assertEquals(0.5, engine.state().metric(TrainAccuracy.NAME));
        assertEquals(5.0, engine.state().metric(ParamNorm.NAME), 1e-12);
        assertEquals(0.5, engine.state().metric(GradNorm.NAME), 1e-12);
        double seconds = engine.state().metric(TrainSeconds.NAME);
        assertTrue(seconds > 0, "seconds " + seconds);
        assertEquals(8 / seconds, engine.state().metric(TrainImagesPerSecond.NAME), 1e-9);
    }

    @Test
    void aRowHoldsEveryMetricInOrderAndJsonReadsBackWhatItWrote() throws Exception {
        MetricSet metrics = MetricSet.standard();
        EpochMetrics row = metrics.row(3);
        assertEquals(3, row.epoch());
        assertEquals(
                metrics.all().stream().map(Metric::name).toList(),
                List.copyOf(row.values().keySet()));
        assertTrue(Double.isNaN(row.value(ValidLoss.NAME)), "nothing measured yet");

        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String text = json.writeValueAsString(row);
        assertTrue(text.startsWith("{\"epoch\":3,\"train_loss\":"), text);
        assertEquals(row, json.readValue(text, EpochMetrics.class));
    }

    @Test
    void anEmbedderAddsAMetricWithWithAndNamesMustBeUniqueAndSnakeCase() {
        TrainingMetric largestLoss = new TrainingMetric() {
            private double max = Double.NaN;

            @Override
            public String name() {
                return "largest_loss";
            }

            @Override
            public MetricFormat format() {
                return MetricFormat.recordedOnly();
            }

            @Override
            public void reset() {
                max = Double.NaN;
            }

            @Override
            public void update(Batch batch, StepResult step) {
                max = Double.isNaN(max) ? step.loss() : Math.max(max, step.loss());
            }

            @Override
            public double compute() {
                return max;
            }
        };
        MetricSet more = MetricSet.standard().with(largestLoss);
        assertEquals("largest_loss", more.all().get(more.all().size() - 1).name());
        assertEquals(5, more.ofKind(TrainingMetric.class).size());
        assertThrows(IllegalArgumentException.class, () -> MetricSet.standard().with(new TrainLoss()));
        assertThrows(
                IllegalArgumentException.class,
                () -> MetricSet.standard().with(new ExactMean("Valid Top", null) {
                    @Override
                    protected double sumOf(Batch batch, float[] logProbabilities, int numClasses) {
                        return 0;
                    }
                }));
    }
}
