/**
 * Rewrites of trained layers for inference: {@link org.mltoolkit.plugin.support.nn.BatchNormFolding} turns an
 * evaluation-mode BatchNorm into a per-feature affine map and folds it into the linear layer that reads its output.
 */
package org.mltoolkit.plugin.support.nn;
