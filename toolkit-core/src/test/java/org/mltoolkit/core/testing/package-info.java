/**
 * Plain-Java models, trainers and data for testing the engine without any plugin: softmax regression with
 * SGD or Adam, a scripted model whose losses are given in advance, and separable synthetic data.
 */
package org.mltoolkit.core.testing;
