package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.core.data.DataManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code toolkit data fetch <dataset> [--from DIR]}: makes every file of the dataset present and verified. Progress
 * goes to stderr; stdout gets one line per file with its verified SHA-256 and where it came from.
 */
@Command(
        name = "fetch",
        mixinStandardHelpOptions = true,
        description = {
            "Fetch a dataset's files into the data directory and verify their SHA-256.",
            "Files already present are verified, not fetched again. The dataset plugin tries its sources in order; "
                    + "--from DIR is tried first."
        })
public final class DataFetchCommand extends ToolkitSubcommand {

    @Parameters(paramLabel = "DATASET", description = "The dataset's name, for example mnist.")
    private String dataset;

    @Option(
            names = "--from",
            paramLabel = "DIR",
            description = "A directory holding the dataset's files (raw or gzipped) to take them from first.")
    private Path from;

    @Override
    public Integer call() {
        DatasetProvider provider = toolkit().extensions().dataset(dataset);
        DataManager data = toolkit().dataManager();
        List<FetchedFile> files;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            files = data.fetch(provider, Optional.ofNullable(from), progress);
        }
        int width = files.stream().mapToInt(f -> f.name().length()).max().orElse(0);
        for (FetchedFile file : files) {
            out().printf("%-" + width + "s  sha256 %s  %s%n", file.name(), file.sha256(), file.source());
        }
        out().println(provider.name() + ": " + files.size() + (files.size() == 1 ? " file" : " files") + " verified in "
                + data.datasetDir(provider));
        out().flush();
        return ExitCodes.OK;
    }
}
