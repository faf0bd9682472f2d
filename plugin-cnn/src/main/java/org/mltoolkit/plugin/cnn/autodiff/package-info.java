/**
 * Reverse-mode differentiation over ONNX graphs: from a forward graph, derive a training graph that runs the
 * forward pass in training mode, the loss, and the gradients of the loss, all as standard ONNX operators.
 * Each supported operator has a {@link org.mltoolkit.plugin.cnn.autodiff.GradientRule}; an operator without one
 * is rejected with an error naming the operator and the node.
 */
package org.mltoolkit.plugin.cnn.autodiff;
