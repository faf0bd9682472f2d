package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
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
            "Evaluate a checkpoint on a dataset's test split: mean NLL loss and accuracy.",
            "The model is rebuilt from the checkpoint; a best checkpoint holds the best weights of its run."
        })
public final class EvaluateCommand extends ToolkitSubcommand {

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "The checkpoint to evaluate.")
    private Path checkpoint;

    @Option(
            names = "--onnx",
            paramLabel = "FILE",
            description = "A pretrained ONNX classifier to use directly instead of a checkpoint (model onnx).")
    private Path onnx;

    @Option(
            names = "--model-option",
            paramLabel = "KEY=VALUE",
            description = "With --onnx: the input the network expects, scale=255, mean=0.1307, std=0.3081 (per channel,"
                    + " comma-separated).")
    private java.util.Map<String, String> modelOptions = new java.util.LinkedHashMap<>();

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "The dataset whose test split to use (default: the checkpoint's; with --onnx, mnist).")
    private String dataset;

    @Mixin
    private DatasetOptions datasetOptions;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "The model the checkpoint must hold; a checkpoint of another model is refused.")
    private String model;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, cuda:N or auto (default: the checkpoint's).")
    private String device;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: the checkpoint's).")
    private Integer threads;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "256",
            description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--offline", description = "Never fetch data; fail if it is missing.")
    private boolean offline;

    @Option(names = "--json", description = "Print JSON instead of text (always with the confusion matrix).")
    private boolean json;

    @Option(
            names = "--confusion",
            description = "Also print the confusion matrix with per-class precision, " + "recall and F1.")
    private boolean confusion;

    @Override
    public Integer call() {
        EvaluationResult result;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            Evaluation.Builder builder = Evaluation.builder()
                    .lookup(toolkit().extensions())
                    .batchSize(batchSize)
                    .datasetOptions(datasetOptions.values())
                    .datasetLoader(
                            (provider, options) -> toolkit().dataManager().load(provider, options, offline, progress));
            PretrainedNetwork.configure(spec().commandLine(), builder, checkpoint, onnx, modelOptions, dataset);
            if (model != null) {
                builder.model(model);
            }
            if (device != null) {
                builder.device(device);
            }
            if (threads != null) {
                builder.threads(threads);
            }
            result = builder.build().run();
        }
        if (json) {
            ObjectNode node = Json.object();
            if (result.checkpoint() != null) {
                node.put("checkpoint", result.checkpoint().toString());
            } else {
                node.put("onnx", onnx.toString());
            }
            node.put("model", result.model());
            node.put("dataset", result.dataset());
            node.put("epoch", result.epoch());
            node.put("test_loss", result.test().loss());
            node.put("test_accuracy", result.test().accuracy());
            node.put("test_examples", result.test().examples());
            node.put("device", result.device());
            node.put("seconds", result.test().seconds());
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
            Json.print(out(), node);
        } else {
            out().printf(
                            Locale.ROOT,
                            "Test - loss=%.4e accuracy=%.4f%n",
                            result.test().loss(),
                            result.test().accuracy());
            out().printf(
                            Locale.ROOT,
                            PretrainedNetwork.label(checkpoint, onnx, result.epoch())
                                    + ", %d test examples of %s, on %s%n",
                            result.model(),
                            result.test().examples(),
                            result.dataset(),
                            result.device());
            if (confusion) {
                out().println();
                out().print(result.predictions().confusion().format());
            }
            out().flush();
        }
        return ExitCodes.OK;
    }
}
