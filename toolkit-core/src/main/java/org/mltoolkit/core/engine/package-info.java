/**
 * The training loop, independent of any plugin: a seeded train/validation split, minibatches reshuffled
 * each epoch, an event-driven {@link org.mltoolkit.core.engine.Engine} in the spirit of PyTorch-Ignite with
 * attachable {@link org.mltoolkit.core.engine.EventHandler handlers}, running averages of the per-iteration
 * metrics, exact evaluation over a whole split and learning-rate schedules.
 *
 * <p>The engine knows nothing of files, consoles or command lines; {@link org.mltoolkit.core.run} wires it to
 * checkpoints and run directories, and an application follows it through its events.
 */
package org.mltoolkit.core.engine;
