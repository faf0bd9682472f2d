/**
 * What plugins share, in a library each plugin shades into its own jar: flat-buffer optimizers
 * ({@link org.mltoolkit.plugin.support.optim}), verified fetching of dataset files
 * ({@link org.mltoolkit.plugin.support.fetch}), atomic placement of the files a plugin writes itself
 * ({@link org.mltoolkit.plugin.support.files}) and the folding of evaluation-mode BatchNorm into a linear layer
 * ({@link org.mltoolkit.plugin.support.nn}).
 *
 * <p>The library depends on {@code toolkit-api} alone and is not on the host's class path: every plugin that uses
 * it carries its own copy, and PF4J's plugin-first class loading keeps the copies of two plugins apart, so two
 * plugins built against different versions of it load side by side.
 */
package org.mltoolkit.plugin.support;
