package org.mltoolkit.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The option {@code --dataset-option KEY=VALUE} (repeatable), mixed into every command that names a dataset. Each
 * dataset says which keys it takes ({@code path=DIR} for {@code images}) and refuses others in one line.
 */
final class DatasetOptions {
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
