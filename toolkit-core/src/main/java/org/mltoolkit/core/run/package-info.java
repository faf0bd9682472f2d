/**
 * Training and evaluation as an application sees them: {@link org.mltoolkit.core.run.TrainingRun} (a builder
 * that resolves the dataset, model and trainer through an {@link org.mltoolkit.core.plugins.ExtensionLookup},
 * runs the {@link org.mltoolkit.core.engine.Engine}, applies the checkpoint policy, and writes the run
 * directory) and {@link org.mltoolkit.core.run.Evaluation} (a checkpoint's loss and accuracy on a test set).
 *
 * <p>A run directory holds {@code config.json}, {@code metrics.jsonl} (one JSON object per epoch),
 * {@code best.ckpt} (unless named elsewhere), {@code last.ckpt} and, once the run ends, {@code summary.json}.
 * Every file is replaced atomically.
 */
package org.mltoolkit.core.run;
