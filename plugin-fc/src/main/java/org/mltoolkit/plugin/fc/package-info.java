/**
 * Fully-connected classifiers ({@code fc}: the reference's 784-500-400-300-200-100-50-10 network with
 * LeakyReLU and BatchNorm; {@code linear}: multinomial logistic regression) and the minibatch trainer that
 * trains them with Adam or SGD.
 *
 * <p>The arithmetic runs in float32 on whole minibatches: matrix products through OpenBLAS (loaded with
 * JavaCPP from this plugin's jar), element-wise work fused in Java loops over the same native memory.
 * Tribuo supplies the ONNX graph builder used by {@link org.mltoolkit.plugin.fc.OnnxGraphExporter}, the
 * {@code tribuo-linear} trainer's parameters and objective, the model files of export format {@code tribuo}
 * ({@link org.mltoolkit.plugin.fc.TribuoModels}: a {@code LinearSGDModel} or an {@code ONNXExternalModel}) and the
 * evaluation ({@link org.mltoolkit.plugin.fc.TribuoEvaluation}); see the module's README for the split.
 */
package org.mltoolkit.plugin.fc;
