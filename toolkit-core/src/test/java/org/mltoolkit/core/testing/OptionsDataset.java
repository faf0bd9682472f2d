package org.mltoolkit.core.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LoadRequest;
import org.mltoolkit.api.PluginOptions;

/**
 * A dataset with options, for testing how they travel: {@link SyntheticData} in 3 classes drawn with the option
 * {@code seed} (default 1) with {@code size} training examples (default 200). It reports both options with the
 * defaults filled in, as a dataset that chooses values from its data does, and remembers every load's options.
 */
public final class OptionsDataset implements DatasetProvider {
    public static final String NAME = "drawn";

    /** The options of every load, in order. */
    public final List<PluginOptions> loads = new ArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "synthetic data drawn with the options seed and size";
    }

    @Override
    public ExampleShape exampleShape() {
        return SyntheticData.SHAPE;
    }

    @Override
    public List<String> classNames() {
        return null;
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
        return load(new LoadRequest(dataDir, PluginOptions.empty(), org.mltoolkit.api.ProgressListener.NONE));
    }

    @Override
    public DatasetSplits load(LoadRequest request) {
        PluginOptions options = request.options();
        options.requireOnly("dataset " + NAME, Set.of("seed", "size"));
        loads.add(options);
        int seed = options.getInt("seed", 1);
        int size = options.getInt("size", 200);
        DatasetSplits data = SyntheticData.make(NAME, size, 50, 3, seed);
        return new DatasetSplits(
                NAME,
                data.train(),
                data.test(),
                data.classNames(),
                new PluginOptions(new java.util.TreeMap<>(
                        Map.of("seed", Integer.toString(seed), "size", Integer.toString(size)))),
                Map.of("drawn_with", "seed " + seed));
    }
}
