package org.mltoolkit.core.plugins;

import java.util.List;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.TrainerProvider;

/** Extensions handed over directly, without PF4J: for applications that embed the core, and for tests. */
public record StaticExtensions(
        List<DatasetProvider> datasets, List<ModelProvider> models, List<TrainerProvider> trainers)
        implements ExtensionLookup {
    public StaticExtensions {
        datasets = List.copyOf(datasets);
        models = List.copyOf(models);
        trainers = List.copyOf(trainers);
    }
}
