package org.mltoolkit.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.metrics.GradNorm;
import org.mltoolkit.core.metrics.LearningRate;
import org.mltoolkit.core.metrics.ParamNorm;
import org.mltoolkit.core.metrics.TrainAccuracy;
import org.mltoolkit.core.metrics.TrainImagesPerSecond;
import org.mltoolkit.core.metrics.TrainLoss;
import org.mltoolkit.core.metrics.TrainSeconds;
import org.mltoolkit.core.metrics.ValidAccuracy;
import org.mltoolkit.core.metrics.ValidLoss;
import org.mltoolkit.core.metrics.ValidSeconds;

/** The learning curves: which metrics of {@code metrics.jsonl} share a chart, with their labels and units. */
final class Curves {
    /** A metric as the charts name and colour it. */
    record Series(String metric, String label, Color color) {}

    /** One chart: an id (the figure's id and the SVG's), a title, the y axis with its unit, its series. */
    record Quantity(String id, String title, String yLabel, String caption, List<Series> series) {}

    private static final Series TRAIN_LOSS = new Series(TrainLoss.NAME, "train loss", Palette.TRAIN);
    private static final Series VALID_LOSS = new Series(ValidLoss.NAME, "validation loss", Palette.VALID);
    private static final Series TRAIN_ACCURACY = new Series(TrainAccuracy.NAME, "train accuracy", Palette.TRAIN);
    private static final Series VALID_ACCURACY = new Series(ValidAccuracy.NAME, "validation accuracy", Palette.VALID);

    /** The charts of one run, in page order. */
    static final List<Quantity> RUN = List.of(
            new Quantity(
                    "loss",
                    "Loss",
                    "loss (mean NLL, nats)",
                    "Train: running average (alpha 0.98) over the epoch's batches. Validation: exact mean.",
                    List.of(TRAIN_LOSS, VALID_LOSS)),
            new Quantity(
                    "accuracy",
                    "Accuracy",
                    "accuracy (fraction correct)",
                    "Train: running average over the epoch's batches. Validation: exact, over the validation set.",
                    List.of(TRAIN_ACCURACY, VALID_ACCURACY)),
            new Quantity(
                    "param_norm",
                    "|param|",
                    "|param| (L2 norm of all weights)",
                    "Running average over the epoch's steps.",
                    List.of(new Series(ParamNorm.NAME, "|param|", Palette.TRAIN))),
            new Quantity(
                    "grad_norm",
                    "|g_param|",
                    "|g_param| (L2 norm of the gradient)",
                    "Running average over the epoch's steps.",
                    List.of(new Series(GradNorm.NAME, "|g_param|", Palette.TRAIN))),
            new Quantity(
                    "lr",
                    "Learning rate",
                    "learning rate (per step)",
                    "The rate the optimizer used in the epoch.",
                    List.of(new Series(LearningRate.NAME, "learning rate", Palette.TRAIN))),
            new Quantity(
                    "images_per_second",
                    "Training speed",
                    "speed (images/s)",
                    "Training examples per second of the epoch's training loop.",
                    List.of(new Series(TrainImagesPerSecond.NAME, "images per second", Palette.TRAIN))),
            new Quantity(
                    "epoch_seconds",
                    "Time per epoch",
                    "time (s)",
                    "Wall time of the training loop and of the validation pass.",
                    List.of(
                            new Series(TrainSeconds.NAME, "training", Palette.TRAIN),
                            new Series(ValidSeconds.NAME, "validation", Palette.VALID))));

    /** The metrics overlaid when runs are compared, one chart each. */
    static final List<Series> COMPARED = List.of(
            TRAIN_LOSS,
            VALID_LOSS,
            TRAIN_ACCURACY,
            VALID_ACCURACY,
            new Series(ParamNorm.NAME, "|param|", Palette.TRAIN),
            new Series(GradNorm.NAME, "|g_param|", Palette.TRAIN),
            new Series(LearningRate.NAME, "learning rate", Palette.TRAIN),
            new Series(TrainImagesPerSecond.NAME, "training speed (images/s)", Palette.TRAIN));

    private Curves() {}

    /** The run's charts; a quantity the run never recorded is left out. */
    static List<Page.Figure> ofRun(List<EpochMetrics> history) {
        List<Page.Figure> figures = new ArrayList<>();
        double[] epochs = epochs(history);
        for (Quantity q : RUN) {
            LineChart chart = new LineChart(q.title(), q.yLabel());
            for (Series s : q.series()) {
                chart.add(new LineChart.Line(s.label(), s.color(), false, epochs, values(history, s.metric())));
            }
            if (!chart.isEmpty()) {
                figures.add(new Page.Figure(q.id(), chart.svg("svg-" + q.id()), q.caption()));
            }
        }
        return figures;
    }

    /** One chart per compared metric, a line per run in the run's colour ({@link Palette#run(int)}). */
    static List<Page.Figure> ofRuns(List<RunSnapshot> runs) {
        return overlaid(
                runs.stream().map(RunSnapshot::name).toList(),
                runs.stream().map(RunSnapshot::history).toList());
    }

    /**
     * One chart per compared metric, a line per history named by {@code names} (same order) in its colour
     * ({@link Palette#run(int)}).
     */
    static List<Page.Figure> overlaid(List<String> names, List<List<EpochMetrics>> histories) {
        List<Page.Figure> figures = new ArrayList<>();
        for (Series s : COMPARED) {
            LineChart chart = new LineChart(capitalised(s.label()), s.label());
            for (int i = 0; i < histories.size(); i++) {
                List<EpochMetrics> history = histories.get(i);
                chart.add(new LineChart.Line(
                        names.get(i),
                        Palette.run(i),
                        Palette.repeats(i),
                        epochs(history),
                        values(history, s.metric())));
            }
            if (!chart.isEmpty()) {
                figures.add(new Page.Figure(s.metric(), chart.svg("svg-" + s.metric()), s.label() + " by epoch"));
            }
        }
        return figures;
    }

    private static String capitalised(String text) {
        return text.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + text.substring(1);
    }

    private static double[] epochs(List<EpochMetrics> history) {
        return history.stream().mapToDouble(EpochMetrics::epoch).toArray();
    }

    private static double[] values(List<EpochMetrics> history, String metric) {
        return history.stream().mapToDouble(m -> m.value(metric)).toArray();
    }
}
