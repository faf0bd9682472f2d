package org.mltoolkit.plugin.fc;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mltoolkit.plugin.support.nn.BatchNormFolding;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableFeatureMap;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.SkeletalTrainerProvenance;

/**
 * A trained {@code fc} or {@code linear} classifier as a Tribuo {@code Model<Label>}: its provenance records the
 * toolkit's training configuration and the data it was trained on, and it predicts Tribuo {@link Example}s whose
 * features are named {@code pixel-000} ... (a missing feature is 0, as in Tribuo's sparse examples).
 *
 * <p>It holds a copy of the weights in evaluation form (each BatchNorm folded into the next Linear, as in the
 * ONNX export) and computes in plain Java on one example at a time, so it is serialisable and needs no native
 * library; for batches use the toolkit model itself.
 */
public final class TribuoDenseModel extends Model<Label> {
    private static final long serialVersionUID = 1L;

    private final int[] widths;
    private final float[][] weights;
    private final float[][] biases;
    private final String[] classNames;

    private TribuoDenseModel(
            String name,
            ModelProvenance provenance,
            ImmutableFeatureMap features,
            ImmutableOutputInfo<Label> outputs,
            int[] widths,
            float[][] weights,
            float[][] biases,
            String[] classNames) {
        super(name, provenance, features, outputs, true);
        this.widths = widths;
        this.weights = weights;
        this.biases = biases;
        this.classNames = classNames;
    }

    /** The name of input feature {@code index}: {@code pixel-000} ... {@code pixel-783} for MNIST. */
    public static String featureName(int index, int width) {
        int digits = Math.max(3, Integer.toString(width - 1).length());
        return String.format(Locale.ROOT, "pixel-%0" + digits + "d", index);
    }

    /**
     * Copies {@code model}'s current weights into a Tribuo model. Does not mutate {@code model}.
     *
     * @param model         the trained classifier
     * @param classNames    one name per class, in label order
     * @param dataset       what the model was trained on, for example {@code mnist (train split)}
     * @param trainExamples how many examples trained it
     * @param configuration the training configuration (options as the user gave them), recorded in the provenance
     */
    public static TribuoDenseModel of(
            DenseClassifier model,
            List<String> classNames,
            String dataset,
            int trainExamples,
            Map<String, String> configuration) {
        DenseNetwork network = model.network();
        int[] widths = network.widths();
        if (classNames.size() != network.classCount()) {
            throw new IllegalArgumentException(
                    classNames.size() + " class names for a model of " + network.classCount() + " classes");
        }
        LabelFactory factory = new LabelFactory();
        MutableFeatureMap featureMap = new MutableFeatureMap();
        for (int i = 0; i < widths[0]; i++) {
            featureMap.add(featureName(i, widths[0]), 0.0);
        }
        MutableOutputInfo<Label> outputInfo = factory.generateInfo();
        for (String c : classNames) {
            outputInfo.observe(new Label(c));
        }
        float[][] w = new float[network.layerCount()][];
        float[][] b = new float[network.layerCount()][];
        BatchNormFolding.Affine previousBatchNorm = null;
        for (int l = 0; l < network.layerCount(); l++) {
            w[l] = network.weight(l).toArray();
            b[l] = network.bias(l).toArray();
            if (previousBatchNorm != null) {
                BatchNormFolding.intoNextLinear(w[l], b[l], previousBatchNorm);
            }
            previousBatchNorm = network.isHidden(l) ? network.evaluationBatchNorm(l) : null;
        }
        OffsetDateTime now = OffsetDateTime.now();
        DataProvenance source = new SimpleDataSourceProvenance(dataset, now, factory);
        DatasetProvenance datasetProvenance =
                new ToolkitDatasetProvenance(source, trainExamples, widths[0], classNames.size());
        Map<String, String> config = new LinkedHashMap<>();
        config.put("model", model.name());
        config.put("widths", java.util.Arrays.toString(widths));
        config.put("seed", Long.toString(model.spec().seed()));
        config.putAll(configuration);
        ModelProvenance provenance = new ModelProvenance(
                TribuoDenseModel.class.getName(), now, datasetProvenance, new ToolkitTrainerProvenance(config));
        return new TribuoDenseModel(
                model.name(),
                provenance,
                new ImmutableFeatureMap(featureMap),
                outputInfo.generateImmutableOutputInfo(),
                widths,
                w,
                b,
                classNames.toArray(new String[0]));
    }

    /** The name of the class the toolkit numbers {@code index}. */
    public String className(int index) {
        return classNames[index];
    }

    /** Log-probabilities of one dense input vector (evaluation mode). */
    double[] logProbabilities(double[] input) {
        double[] h = input;
        for (int l = 0; l < weights.length; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double[] z = new double[out];
            for (int o = 0; o < out; o++) {
                double s = biases[l][o];
                for (int i = 0; i < in; i++) {
                    s += weights[l][o * in + i] * h[i];
                }
                z[o] = l < weights.length - 1 && s < 0 ? s * DenseNetwork.LEAKY_SLOPE : s;
            }
            h = z;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : h) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : h) {
            sum += Math.exp(v - max);
        }
        double logSum = max + Math.log(sum);
        for (int c = 0; c < h.length; c++) {
            h[c] -= logSum;
        }
        return h;
    }

    /**
     * Predicts one example; does not mutate it. Throws IllegalArgumentException if none of its features is known
     * to the model.
     */
    @Override
    public Prediction<Label> predict(Example<Label> example) {
        double[] input = new double[widths[0]];
        int used = 0;
        for (Feature f : example) {
            int id = featureIDMap.getID(f.getName());
            if (id >= 0) {
                input[featureIndex(f.getName())] = f.getValue();
                used++;
            }
        }
        if (used == 0 && example.size() > 0) {
            throw new IllegalArgumentException("no feature of the example is known to model " + name);
        }
        return toPrediction(logProbabilities(input), used, example);
    }

    private int featureIndex(String featureName) {
        return Integer.parseInt(featureName.substring("pixel-".length()));
    }

    /** Builds a Tribuo prediction from log-probabilities in class order. */
    Prediction<Label> toPrediction(double[] logProbs, int usedFeatures, Example<Label> example) {
        Map<String, Label> scores = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < logProbs.length; c++) {
            scores.put(classNames[c], new Label(classNames[c], Math.exp(logProbs[c])));
            if (logProbs[c] > logProbs[best]) {
                best = c;
            }
        }
        return new Prediction<>(scores.get(classNames[best]), scores, usedFeatures, example, true);
    }

    /** For {@code linear}: the features with the largest weights per class; empty for deeper models. */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        Map<String, List<Pair<String, Double>>> top = new LinkedHashMap<>();
        if (weights.length != 1) {
            return top;
        }
        int in = widths[0];
        for (int c = 0; c < classNames.length; c++) {
            List<Pair<String, Double>> list = new ArrayList<>();
            for (int i = 0; i < in; i++) {
                list.add(new Pair<>(featureName(i, in), (double) weights[0][c * in + i]));
            }
            list.sort(Comparator.comparingDouble((Pair<String, Double> p) -> -Math.abs(p.getB())));
            top.put(classNames[c], n < 0 ? list : List.copyOf(list.subList(0, Math.min(n, list.size()))));
        }
        return top;
    }

    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return Optional.empty();
    }

    @Override
    protected TribuoDenseModel copy(String newName, ModelProvenance newProvenance) {
        float[][] w = new float[weights.length][];
        float[][] b = new float[biases.length][];
        for (int l = 0; l < weights.length; l++) {
            w[l] = weights[l].clone();
            b[l] = biases[l].clone();
        }
        return new TribuoDenseModel(
                newName, newProvenance, featureIDMap, outputIDInfo, widths.clone(), w, b, classNames.clone());
    }

    /** The data a toolkit model was trained on, as Tribuo records a dataset. */
    static final class ToolkitDatasetProvenance extends DatasetProvenance {
        private static final long serialVersionUID = 1L;

        ToolkitDatasetProvenance(DataProvenance source, int examples, int features, int classes) {
            super(
                    source,
                    new ListProvenance<>(),
                    "org.mltoolkit.api.LabeledData",
                    true,
                    false,
                    examples,
                    features,
                    classes);
        }
    }

    /** The toolkit's training configuration, as Tribuo records a trainer. */
    static final class ToolkitTrainerProvenance extends SkeletalTrainerProvenance {
        private static final long serialVersionUID = 1L;

        ToolkitTrainerProvenance(Map<String, String> configuration) {
            super(entries(configuration));
        }

        private static Map<String, Provenance> entries(Map<String, String> configuration) {
            Map<String, Provenance> map = new LinkedHashMap<>();
            String trainerClass = TribuoLinearTrainerProvider.NAME.equals(configuration.get("trainer"))
                    ? TribuoLinearTrainer.class.getName()
                    : BackpropTrainer.class.getName();
            map.put(CLASS_NAME, new StringProvenance(CLASS_NAME, trainerClass));
            map.put(HOST_SHORT_NAME, new StringProvenance(HOST_SHORT_NAME, "Trainer"));
            map.put(TRAIN_INVOCATION_COUNT, new IntProvenance(TRAIN_INVOCATION_COUNT, 1));
            map.put(IS_SEQUENCE, new BooleanProvenance(IS_SEQUENCE, false));
            map.put(TRIBUO_VERSION_STRING, new StringProvenance(TRIBUO_VERSION_STRING, Tribuo.VERSION));
            for (Map.Entry<String, String> e : configuration.entrySet()) {
                map.put(e.getKey(), new StringProvenance(e.getKey(), e.getValue()));
            }
            return map;
        }
    }
}
