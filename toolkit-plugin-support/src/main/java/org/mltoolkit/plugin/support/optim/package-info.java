/**
 * Optimizers that update a model's parameters in place, with PyTorch's update rules: {@link
 * org.mltoolkit.plugin.support.optim.Adam} and {@link org.mltoolkit.plugin.support.optim.Sgd} (momentum, dampening,
 * Nesterov, weight decay), built from a trainer's settings by {@link org.mltoolkit.plugin.support.optim.Optimizers},
 * which holds the one set of defaults.
 *
 * <p>A model hands its parameters over as {@link org.mltoolkit.plugin.support.optim.Parameter}s: a name, a shape and
 * two float buffers, the values (updated in place) and the gradients (read). Direct, native-order buffers serve
 * both kinds of plugin: ONNX Runtime and OpenBLAS read them without a copy. The update runs over the parameters as
 * one flat range split into one contiguous chunk per thread; each chunk is copied block by block into Java arrays,
 * because C2 vectorises loops over arrays and not loops over direct buffers. The moments live in Java arrays. On
 * the way the step sums the squares of the parameters and of the gradients, which trainers report as norms.
 *
 * <p>The state (moments and step count) is a map of named tensors, {@code step} and {@code <slot>.<parameter>}
 * ({@code exp_avg.fc1.weight}), as PyTorch keeps it per parameter; restoring it gives bit-for-bit the steps an
 * uninterrupted run would have taken.
 */
package org.mltoolkit.plugin.support.optim;
