package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.core.data.DataFingerprint;
import org.mltoolkit.core.engine.ConfusionMatrix;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code toolkit evaluate --checkpoint FILE}: rebuilds the checkpoint's model through its plugin, loads the saved
 * weights and prints the exact loss and accuracy on a dataset's test split.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a checkpoint on a dataset's test split: mean NLL loss and accuracy,",
            "and the evaluation of the model's own evaluator where its plugin has one (fc",
            "and linear: Tribuo's LabelEvaluator). The model is rebuilt from the",
            "checkpoint; a best checkpoint holds the best weights of its run. JSON output",
            "always includes the confusion matrix."
        })
public final class EvaluateCommand extends ToolkitSubcommand {

    @Mixin
    private ModelSource source;

    @Mixin
    private SharedOptions.Dataset dataset;

    @Mixin
    private SharedOptions.DatasetOptions datasetOptions;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "The model the checkpoint must hold; a checkpoint of another model is refused.")
    private String model;

    @Mixin
    private SharedOptions.Compute compute;

    @Mixin
    private SharedOptions.BatchSize batchSize;

    @Mixin
    private SharedOptions.Offline offline;

    @Mixin
    private SharedOptions.JsonOutput json;

    @Option(
            names = "--confusion",
            description = "Also print the confusion matrix with per-class precision, recall and F1 (a model with"
                    + " its own evaluator prints that evaluator's, confusion matrix included, without being asked).")
    private boolean confusion;

    @Override
    public Integer call() {
        EvaluationResult result;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            Evaluation.Builder builder = Evaluation.builder()
                    .lookup(toolkit().extensions())
                    .datasetOptions(datasetOptions.values())
                    .datasetLoader(offline.loader(toolkit(), progress));
            source.configure(spec().commandLine(), builder, dataset.value());
            if (model != null) {
                builder.model(model);
            }
            if (batchSize.value() != null) {
                builder.batchSize(batchSize.value());
            }
            if (compute.device() != null) {
                builder.device(compute.device());
            }
            if (compute.threads() != null) {
                builder.threads(compute.threads());
            }
            result = builder.build().run();
        }
        if (json.enabled()) {
            ObjectNode node = Json.object();
            if (result.checkpoint() != null) {
                node.put("checkpoint", result.checkpoint().toString());
            } else {
                node.put("onnx", source.onnx().toString());
            }
            node.put("model", result.model());
            node.put("dataset", result.dataset());
            node.put("epoch", result.epoch());
            node.put("test_loss", result.test().loss());
            node.put("test_accuracy", result.test().accuracy());
            node.put("test_examples", result.test().examples());
            node.put("device", result.device());
            node.put("seconds", result.test().seconds());
            node.put("test_data_sha256", result.testDigest());
            if (result.trainedTestDigest() != null) {
                node.put("trained_test_data_sha256", result.trainedTestDigest());
            }
            if (!result.modelDescription().isEmpty()) {
                ObjectNode description = node.putObject("model_description");
                result.modelDescription().forEach(description::put);
            }
            ConfusionMatrix matrix = result.predictions().confusion();
            ArrayNode rows = node.putArray("confusion_matrix");
            for (long[] row : matrix.counts()) {
                ArrayNode jsonRow = rows.addArray();
                for (long count : row) {
                    jsonRow.add(count);
                }
            }
            ArrayNode perClass = node.putArray("per_class");
            for (int k = 0; k < matrix.classNames().size(); k++) {
                ObjectNode entry = perClass.addObject();
                entry.put("class", matrix.classNames().get(k));
                entry.put("precision", matrix.precision(k));
                entry.put("recall", matrix.recall(k));
                entry.put("f1", matrix.f1(k));
            }
            result.report().ifPresent(report -> node.set("report", reportJson(report)));
            Json.print(out(), node);
        } else {
            out().printf(
                            Locale.ROOT,
                            "Test - loss=%.4e accuracy=%.4f%n",
                            result.test().loss(),
                            result.test().accuracy());
            out().printf(
                            Locale.ROOT,
                            source.label(result.epoch()) + ", %d test examples of %s, on %s%n",
                            result.model(),
                            result.test().examples(),
                            result.dataset(),
                            result.device());
            out().println(dataLine(result));
            String described = ModelDescriptionLine.of(result.model(), result.modelDescription());
            if (described != null) {
                out().println(described);
            }
            if (result.report().isPresent()) {
                ClassificationReport report = result.report().get();
                out().println();
                out().println("Evaluation by " + report.evaluator() + ":");
                out().println(report.text().stripTrailing());
            } else if (confusion) {
                out().println();
                out().print(result.predictions().confusion().format());
            }
            out().flush();
        }
        warnOnOtherData(result);
        return ExitCodes.OK;
    }

    /** Which data were scored: the dataset, its test split's fingerprint, and whether the run recorded them. */
    private static String dataLine(EvaluationResult result) {
        String scored =
                "Data: " + result.dataset() + " test split, sha256 " + DataFingerprint.shortForm(result.testDigest());
        return scored
                + result.sameTestDataAsTraining()
                        .map(same -> same
                                ? " (the test split recorded in training)"
                                : " (differs from the test split recorded in training, "
                                        + DataFingerprint.shortForm(result.trainedTestDigest()) + ")")
                        .orElse(result.checkpoint() != null ? " (training data not recorded in the checkpoint)" : "");
    }

    /** One warning on stderr when the test split scored is not the one the checkpoint's run recorded. */
    private void warnOnOtherData(EvaluationResult result) {
        if (result.sameTestDataAsTraining().orElse(true)) {
            return;
        }
        err().println("warning: " + result.checkpoint() + " was tested on other data (test split sha256 "
                + DataFingerprint.shortForm(result.trainedTestDigest()) + ") than these ("
                + result.dataset() + ", " + DataFingerprint.shortForm(result.testDigest())
                + "); the figures are not comparable with the run's");
        err().flush();
    }

    /** The model's own report as JSON: its evaluator, the scores per class and averaged, the confusion matrix. */
    private static ObjectNode reportJson(ClassificationReport report) {
        ObjectNode node = Json.object();
        node.put("evaluator", report.evaluator());
        node.put("accuracy", report.accuracy());
        ArrayNode perClass = node.putArray("per_class");
        for (ClassificationReport.ClassScores scores : report.classes()) {
            ObjectNode entry = perClass.addObject();
            entry.put("class", scores.name());
            entry.put("support", scores.support());
            entry.put("true_positives", scores.truePositives());
            entry.put("false_positives", scores.falsePositives());
            entry.put("false_negatives", scores.falseNegatives());
            entry.put("precision", scores.precision());
            entry.put("recall", scores.recall());
            entry.put("f1", scores.f1());
        }
        averages(node.putObject("micro_average"), report.microAverage());
        averages(node.putObject("macro_average"), report.macroAverage());
        node.put("balanced_error_rate", report.balancedErrorRate());
        ArrayNode rows = node.putArray("confusion_matrix");
        for (long[] row : report.confusion()) {
            ArrayNode jsonRow = rows.addArray();
            for (long count : row) {
                jsonRow.add(count);
            }
        }
        return node;
    }

    private static void averages(ObjectNode node, ClassificationReport.AverageScores scores) {
        node.put("precision", scores.precision());
        node.put("recall", scores.recall());
        node.put("f1", scores.f1());
    }
}
