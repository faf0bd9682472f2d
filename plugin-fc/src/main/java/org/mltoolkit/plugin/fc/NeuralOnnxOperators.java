package org.mltoolkit.plugin.fc;

import ai.onnx.proto.OnnxMl;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * ONNX opset-13 operators that Tribuo's {@code ONNXOperators} list lacks and the dense classifiers need.
 */
enum NeuralOnnxOperators implements ONNXOperator {
    /** {@code y = x >= 0 ? x : alpha * x}; {@code alpha} defaults to 0.01. */
    LEAKY_RELU("LeakyRelu", new ONNXAttribute("alpha", OnnxMl.AttributeProto.AttributeType.FLOAT, false)),
    /** Log of the softmax along {@code axis} (default -1). */
    LOG_SOFTMAX("LogSoftmax", new ONNXAttribute("axis", OnnxMl.AttributeProto.AttributeType.INT, false));

    static final int OPSET_VERSION = 13;

    private final String opName;
    private final Map<String, ONNXAttribute> attributes;

    NeuralOnnxOperators(String opName, ONNXAttribute attribute) {
        this.opName = opName;
        this.attributes = Map.of(attribute.getName(), attribute);
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return 1;
    }

    @Override
    public int getNumOptionalInputs() {
        return 0;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Set.of();
    }

    @Override
    public int getOpVersion() {
        return OPSET_VERSION;
    }

    @Override
    public String getOpDomain() {
        return null;
    }
}
