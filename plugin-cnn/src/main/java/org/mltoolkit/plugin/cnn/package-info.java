/**
 * The {@code cnn} model plugin: a convolutional classifier defined as an ONNX graph, trained by the {@code ort}
 * trainer through ONNX Runtime with gradients derived from that graph, and exported as an inference ONNX file.
 */
package org.mltoolkit.plugin.cnn;
