package org.mltoolkit.plugin.fc;

import java.util.Map;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.plugin.support.optim.Optimizer;
import org.mltoolkit.plugin.support.optim.OptimizingTrainer;

/** What this plugin's trainers share: the model they train, and the optimizer state of earlier checkpoints. */
abstract class DenseTrainer extends OptimizingTrainer {
    final DenseClassifier model;

    DenseTrainer(DenseClassifier model, Optimizer optimizer) {
        super(optimizer);
        this.model = model;
    }

    /** Reads today's layout of the state and the flat one of earlier checkpoints ({@link LegacyOptimizerState}). */
    @Override
    public void loadOptimizerState(Map<String, Tensor> state) {
        super.loadOptimizerState(LegacyOptimizerState.upgrade(state, model.optimizerParameters()));
    }
}
