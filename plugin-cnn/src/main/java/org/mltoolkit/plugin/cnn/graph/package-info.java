/**
 * Building ONNX graphs in Java with the ONNX protobuf classes: a small node/constant builder, static shape
 * inference for the supported operators, and the forward graph of the convolutional classifier.
 */
package org.mltoolkit.plugin.cnn.graph;
