/** A benchmark main that times training steps and forward passes of the cnn model (run by hand, not a test). */
package org.mltoolkit.plugin.cnn.bench;
