/** Optimizers that update parameters in place on native float buffers: Adam and SGD with momentum. */
package org.mltoolkit.plugin.cnn.optim;
