package org.mltoolkit.core.testing;

import java.nio.file.Path;
import java.util.List;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;

/**
 * A dataset provider that hands over data held in memory, such as {@link SyntheticData}'s: always present, no
 * files, nothing to fetch; its name is the data's name.
 */
public final class InMemoryDataset implements DatasetProvider {
    private final DatasetSplits data;

    public InMemoryDataset(DatasetSplits data) {
        this.data = data;
    }

    @Override
    public String name() {
        return data.name();
    }

    @Override
    public String description() {
        return "in-memory test data";
    }

    @Override
    public ExampleShape exampleShape() {
        return data.train().shape();
    }

    @Override
    public List<String> classNames() {
        return data.classNames();
    }

    @Override
    public List<Path> files(Path dataDir) {
        return List.of();
    }

    @Override
    public boolean isPresent(Path dataDir) {
        return true;
    }

    @Override
    public List<FetchedFile> fetch(FetchRequest request) {
        return List.of();
    }

    @Override
    public DatasetSplits load(Path dataDir) {
        return data;
    }
}
