package org.mltoolkit.plugin.fc;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.sgd.protos.ClassificationLinearSGDProto;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.interop.onnx.DenseTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;
import org.tribuo.interop.onnx.protos.ONNXExternalModelProto;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

/**
 * A toolkit classifier as a model of Tribuo's own classes, which a Tribuo application loads with
 * {@code Model.deserializeFromFile} and no toolkit class on its class path:
 *
 * <ul>
 *   <li>{@code linear} becomes a {@link LinearSGDModel}, the model Tribuo's {@code LinearSGDTrainer} makes with the
 *       {@code LogMulticlass} objective the {@code tribuo-linear} trainer uses: the same weights (the bias as the last
 *       feature column) and softmax probabilities;
 *   <li>a network Tribuo cannot express ({@code fc}: hidden layers, LeakyReLU, BatchNorm) becomes an
 *       {@link ONNXExternalModel} holding the exported ONNX graph, ending in a softmax so that Tribuo's scores are
 *       probabilities; Tribuo runs it in ONNX Runtime.
 * </ul>
 *
 * <p>Neither class has a public constructor: both are built as Tribuo's own protobuf form and read back through
 * Tribuo's deserializer, which checks them as it checks any file; the file written is that model's
 * {@code serialize()}.
 */
final class TribuoModels {
    /** The name of the ONNX graph's input; the toolkit's ONNX exports use it too. */
    static final String ONNX_INPUT = "input";

    private TribuoModels() {}

    /**
     * The Tribuo model for {@code model}, with {@code provenance}. Does not mutate {@code model}. The caller closes
     * the result when it is an {@link ONNXExternalModel} (it holds an ONNX Runtime session).
     */
    static Model<Label> of(DenseClassifier model, List<String> classNames, ModelProvenance provenance) {
        checkClasses(model, classNames);
        return model.network().layerCount() == 1
                ? linear(model, classNames, provenance)
                : onnx(model, classNames, provenance);
    }

    /** The Tribuo model class {@link #of} builds for {@code model}. */
    static Class<?> classFor(DenseClassifier model) {
        return model.network().layerCount() == 1 ? LinearSGDModel.class : ONNXExternalModel.class;
    }

    private static LinearSGDModel linear(DenseClassifier model, List<String> classNames, ModelProvenance provenance) {
        DenseNetwork network = model.network();
        int features = network.inputWidth();
        int classes = network.classCount();
        FloatBuffer w = network.weight(0).buffer();
        FloatBuffer b = network.bias(0).buffer();
        DenseMatrix weights = new DenseMatrix(classes, features + 1);
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < features; j++) {
                weights.set(c, j, w.get(c * features + j));
            }
            weights.set(c, features, b.get(c));
        }
        LogMulticlass objective = new LogMulticlass();
        ClassificationLinearSGDProto proto = ClassificationLinearSGDProto.newBuilder()
                .setMetadata(carrier(model, classNames, provenance, objective.isProbabilistic()))
                .setParams(new LinearParameters(weights).serialize())
                .setNormalizer(objective.getNormalizer().serialize())
                .build();
        return (LinearSGDModel)
                Model.deserialize(modelProto(LinearSGDModel.class, LinearSGDModel.CURRENT_VERSION, proto));
    }

    @SuppressWarnings("unchecked") // the output domain is built from Labels above
    private static ONNXExternalModel<Label> onnx(
            DenseClassifier model, List<String> classNames, ModelProvenance provenance) {
        OnnxMl.ModelProto graph = OnnxGraphExporter.build(model, OnnxGraphExporter.Output.PROBABILITIES);
        int features = model.network().inputWidth();
        ONNXExternalModelProto.Builder proto = ONNXExternalModelProto.newBuilder()
                .setMetadata(carrier(model, classNames, provenance, true))
                .setModelArray(ByteString.copyFrom(graph.toByteArray()))
                .setInputName(ONNX_INPUT)
                .setExampleTransformer(new DenseTransformer().serialize())
                .setOutputTransformer(new LabelTransformer(true).serialize());
        // Tribuo numbers features by their sorted names; TribuoDomain's names make that the index order, but the
        // mapping is built from the names all the same.
        ImmutableFeatureMap featureMap = TribuoDomain.featureMap(features);
        int[] forward = new int[features];
        int[] backward = new int[features];
        for (Map.Entry<String, Integer> e :
                TribuoDomain.featureIndices(features).entrySet()) {
            int tribuoId = featureMap.getID(e.getKey());
            forward[tribuoId] = e.getValue();
            backward[e.getValue()] = tribuoId;
        }
        for (int i = 0; i < features; i++) {
            proto.addForwardFeatureMapping(forward[i]);
            proto.addBackwardFeatureMapping(backward[i]);
        }
        try {
            return (ONNXExternalModel<Label>) Model.deserialize(
                    modelProto(ONNXExternalModel.class, ONNXExternalModel.CURRENT_VERSION, proto.build()));
        } catch (NoClassDefFoundError e) {
            throw new ToolkitException(
                    "model " + model.name() + " reaches Tribuo as an ONNXExternalModel, which runs"
                            + " in ONNX Runtime; the host's class path has no ONNX Runtime (" + e.getMessage() + ")",
                    e);
        }
    }

    private static org.tribuo.protos.core.ModelDataProto carrier(
            DenseClassifier model, List<String> classNames, ModelProvenance provenance, boolean probabilities) {
        return new ModelDataCarrier<>(
                        model.name(),
                        provenance,
                        TribuoDomain.featureMap(model.network().inputWidth()),
                        TribuoDomain.outputInfo(classNames),
                        probabilities,
                        Tribuo.VERSION)
                .serialize();
    }

    private static ModelProto modelProto(Class<?> modelClass, int version, com.google.protobuf.Message data) {
        return ModelProto.newBuilder()
                .setClassName(modelClass.getName())
                .setVersion(version)
                .setSerializedData(Any.pack(data))
                .build();
    }

    private static void checkClasses(DenseClassifier model, List<String> classNames) {
        if (classNames.size() != model.network().classCount()) {
            throw new IllegalArgumentException(classNames.size() + " class names for model " + model.name() + " of "
                    + model.network().classCount() + " classes");
        }
    }
}
