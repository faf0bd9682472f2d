/** Tests of the cnn model and the ort trainer on tiny synthetic images. */
package org.mltoolkit.plugin.cnn;
