package org.mltoolkit.core.testing;

import java.util.List;
import org.mltoolkit.core.plugins.StaticExtensions;

/** The tests' models and trainers as an extension lookup (no datasets: tests hand their data over). */
public final class TestExtensions {
    private TestExtensions() {}

    public static StaticExtensions create() {
        return new StaticExtensions(
                List.of(),
                List.of(
                        new SoftmaxRegression.Provider(),
                        new ReportingSoftmax.Provider(),
                        new Scripted.ModelProviderImpl()),
                List.of(new SoftmaxTrainer.Provider(), new Scripted.TrainerProviderImpl()));
    }
}
