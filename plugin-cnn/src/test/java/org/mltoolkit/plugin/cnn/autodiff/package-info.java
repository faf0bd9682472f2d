/** Finite-difference checks of every gradient rule and of a small convolutional network. */
package org.mltoolkit.plugin.cnn.autodiff;
