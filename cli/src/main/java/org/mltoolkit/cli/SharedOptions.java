package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.mltoolkit.core.run.DatasetLoader;
import org.mltoolkit.core.run.TrainingRunBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options several commands share, each declared once as a picocli mixin: a command takes one with
 * {@code @Mixin private SharedOptions.Offline offline;} and reads its value through the mixin. Values are null (or
 * empty) when not given, so that the core's defaults, or a checkpoint's settings, apply.
 */
final class SharedOptions {
    private SharedOptions() {}

    /** {@code --checkpoint FILE}: a checkpoint to read. */
    static final class Checkpoint {
        static final String NAME = "--checkpoint";

        @Option(
                names = NAME,
                paramLabel = "FILE",
                description = "A checkpoint of a training run, such as its best.ckpt or last.ckpt.")
        private Path file;

        /** The file given, or null. */
        Path value() {
            return file;
        }

        /** The file given; throws ParameterException, a usage error, when the command needs one and it is missing. */
        Path required(CommandLine commandLine) {
            if (file == null) {
                throw new ParameterException(commandLine, "missing required option: '" + NAME + "=FILE'");
            }
            return file;
        }
    }

    /** {@code --dataset NAME}. */
    static final class Dataset {
        /** The dataset of a new training run, or of a network that comes without one, unless one is named. */
        static final String DEFAULT = "mnist";

        @Option(
                names = "--dataset",
                paramLabel = "NAME",
                description = "The dataset (default: " + DEFAULT + "; with a checkpoint, the one its run used).")
        private String name;

        /** The name given, or null. */
        String value() {
            return name;
        }
    }

    /** {@code --dataset-option KEY=VALUE}, repeatable. */
    static final class DatasetOptions {
        static final String NAME = "--dataset-option";

        @Option(
                names = NAME,
                paramLabel = "KEY=VALUE",
                description = "A dataset-specific option, such as path=DIR for the dataset images; repeatable. A"
                        + " checkpoint's dataset loads with the options its run recorded, these replacing values of"
                        + " the same keys.")
        private Map<String, String> values = new LinkedHashMap<>();

        /** The options given, in order; empty when none. */
        Map<String, String> values() {
            return values;
        }
    }

    /** {@code --model-option KEY=VALUE}, repeatable. */
    static final class ModelOptions {
        static final String NAME = "--model-option";

        @Option(
                names = NAME,
                paramLabel = "KEY=VALUE",
                description = "A model-specific option, such as hidden=500,400 for fc; repeatable.")
        private Map<String, String> values = new LinkedHashMap<>();

        /** The options given, in order; empty when none. */
        Map<String, String> values() {
            return values;
        }
    }

    /** {@code --device DEVICE} and {@code --threads N}: where and how widely the model computes. */
    static final class Compute {
        @Option(
                names = "--device",
                paramLabel = "DEVICE",
                description = "cpu, cuda:N or auto (default: " + TrainingRunBuilder.DEFAULT_DEVICE + "). A checkpoint's"
                        + " model runs on its saved device unless this is given.")
        private String device;

        @Option(
                names = "--threads",
                paramLabel = "N",
                description = "Compute threads the model may use, 1 to 4 per core (default: one per core). A"
                        + " checkpoint's model keeps its saved number (at most 4 per core) unless this is given.")
        private Integer threads;

        /** The device given, or null. */
        String device() {
            return device;
        }

        /** The threads given, or null. */
        Integer threads() {
            return threads;
        }
    }

    /** {@code --batch-size N}. */
    static final class BatchSize {
        @Option(
                names = "--batch-size",
                paramLabel = "N",
                description = "Minibatch size (default: " + TrainingRunBuilder.DEFAULT_BATCH_SIZE + ").")
        private Integer size;

        /** The size given, or null. */
        Integer value() {
            return size;
        }
    }

    /** {@code --offline}: how a command loads data. */
    static final class Offline {
        @Option(names = "--offline", description = "Never fetch data; fail if it is missing.")
        private boolean offline;

        /** Loads datasets from {@code toolkit}'s data directory, fetching missing files unless offline. */
        DatasetLoader loader(ToolkitCommand toolkit, ProgressListener progress) {
            return (provider, options) -> toolkit.dataManager().load(provider, options, offline, progress);
        }
    }

    /** {@code --overwrite} for a command's output files ({@link OutputFiles}). */
    static final class Overwrite {
        @Option(
                names = "--overwrite",
                description = "Replace an existing output file even if this toolkit did not write it.")
        private boolean overwrite;

        /** True when replacing any existing output file is allowed. */
        boolean enabled() {
            return overwrite;
        }
    }

    /** {@code --json}. */
    static final class JsonOutput {
        @Option(names = "--json", description = "Print JSON instead of text.")
        private boolean json;

        /** True when JSON was asked for. */
        boolean enabled() {
            return json;
        }
    }
}
