/** ONNX Runtime plumbing: environment, session options and device selection, native-order buffers. */
package org.mltoolkit.plugin.cnn.ort;
