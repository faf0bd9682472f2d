package org.mltoolkit.core.testing;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;

/**
 * A model whose losses follow a script given in its options, to test the engine's decisions (best epoch,
 * NaN stop, early stopping, crash during a checkpoint write). Its only state is the number of steps taken.
 * Options: {@code steps_per_epoch} (required), {@code valid_losses} and {@code train_losses} (one number per
 * epoch, comma-separated; the training loss defaults to 1), {@code fail_state_at_epoch} (the state read after
 * that epoch throws halfway through being written).
 */
public final class Scripted {
    public static final String MODEL = "scripted";
    public static final String TRAINER = "scripted-trainer";

    private Scripted() {}

    /** Options for a script. */
    public static Map<String, String> options(int stepsPerEpoch, String validLosses) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("steps_per_epoch", Integer.toString(stepsPerEpoch));
        o.put("valid_losses", validLosses);
        return o;
    }

    static double[] numbers(String list) {
        String[] parts = list.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Double.parseDouble(parts[i].trim());
        }
        return values;
    }

    /** The scripted model's provider. */
    public static final class ModelProviderImpl implements ModelProvider {
        @Override
        public String name() {
            return MODEL;
        }

        @Override
        public String description() {
            return "a model whose losses follow a script, for tests";
        }

        @Override
        public InputLayout inputLayout() {
            return InputLayout.IMAGE;
        }

        @Override
        public String defaultTrainer() {
            return TRAINER;
        }

        @Override
        public Model create(ModelSpec spec) {
            return new ScriptedModel(spec);
        }
    }

    /** The scripted trainer's provider. */
    public static final class TrainerProviderImpl implements TrainerProvider {
        @Override
        public String name() {
            return TRAINER;
        }

        @Override
        public String description() {
            return "advances a scripted model, for tests";
        }

        @Override
        public boolean supports(String modelName) {
            return modelName.equals(MODEL);
        }

        @Override
        public Trainer create(Model model, TrainerSpec spec) {
            return new ScriptedTrainer((ScriptedModel) model);
        }
    }

    static final class ScriptedModel implements Model {
        final int stepsPerEpoch;
        final double[] validLosses;
        final double[] trainLosses;
        final int failStateAtEpoch;
        final int classes;
        long steps;

        ScriptedModel(ModelSpec spec) {
            PluginOptions o = spec.options();
            stepsPerEpoch = o.getInt("steps_per_epoch", 1);
            validLosses = numbers(o.getString("valid_losses", "1"));
            trainLosses = o.keys().contains("train_losses") ? numbers(o.getString("train_losses", "1")) : null;
            failStateAtEpoch = o.getInt("fail_state_at_epoch", -1);
            classes = spec.numClasses();
        }

        int completedEpochs() {
            return (int) (steps / stepsPerEpoch);
        }

        @Override
        public String name() {
            return MODEL;
        }

        @Override
        public String device() {
            return "cpu";
        }

        @Override
        public long parameterCount() {
            return 1;
        }

        @Override
        public void predictLogProbabilities(Batch batch, float[] out) {
            int epoch = completedEpochs();
            float value = (float) -validLosses[Math.min(Math.max(epoch - 1, 0), validLosses.length - 1)];
            java.util.Arrays.fill(out, 0, batch.size() * classes, value);
        }

        @Override
        public double parameterNorm() {
            return steps;
        }

        @Override
        public Map<String, Tensor> stateDict() {
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("steps", Tensor.scalar(steps));
            state.put("padding", Tensor.copyOf(new float[1000], 1000));
            if (completedEpochs() == failStateAtEpoch) {
                return new FailingMap(state);
            }
            return state;
        }

        @Override
        public void loadStateDict(Map<String, Tensor> state) {
            Tensor s = state.get("steps");
            if (s == null) {
                throw new org.mltoolkit.api.ToolkitException("scripted state lacks 'steps'");
            }
            steps = (long) s.data()[0];
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    static final class ScriptedTrainer implements Trainer {
        private final ScriptedModel model;

        ScriptedTrainer(ScriptedModel model) {
            this.model = model;
        }

        @Override
        public StepResult step(Batch batch) {
            int epochIndex = model.completedEpochs();
            double loss = model.trainLosses == null
                    ? 1.0
                    : model.trainLosses[Math.min(epochIndex, model.trainLosses.length - 1)];
            model.steps++;
            return new StepResult(loss, batch.size() / 2, model.steps, 0.5);
        }

        @Override
        public void setLearningRate(double learningRate) {
            // the script ignores it
        }

        @Override
        public Map<String, Tensor> optimizerState() {
            return Map.of();
        }

        @Override
        public void loadOptimizerState(Map<String, Tensor> state) {
            // nothing to restore
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    /** A map whose iteration throws after its first entry: a state that fails while it is being written. */
    static final class FailingMap extends AbstractMap<String, Tensor> {
        private final Map<String, Tensor> delegate;

        FailingMap(Map<String, Tensor> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Set<Entry<String, Tensor>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Tensor>> iterator() {
                    Iterator<Entry<String, Tensor>> inner = delegate.entrySet().iterator();
                    return new Iterator<>() {
                        private int served;

                        @Override
                        public boolean hasNext() {
                            return inner.hasNext();
                        }

                        @Override
                        public Entry<String, Tensor> next() {
                            if (served++ == 1) {
                                throw new IllegalStateException("simulated crash while the state is written");
                            }
                            if (!inner.hasNext()) {
                                throw new NoSuchElementException();
                            }
                            return inner.next();
                        }
                    };
                }

                @Override
                public int size() {
                    return delegate.size();
                }
            };
        }
    }
}
