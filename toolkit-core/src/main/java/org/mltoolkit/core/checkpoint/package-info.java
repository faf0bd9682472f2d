/**
 * Checkpoints: what a training run saves after an epoch ({@link org.mltoolkit.core.checkpoint.Checkpoint}),
 * the toolkit's binary file format for it ({@link org.mltoolkit.core.checkpoint.CheckpointFile}), and
 * crash-safe file replacement ({@link org.mltoolkit.core.checkpoint.AtomicFiles}).
 *
 * <p>A file is always written to a temporary sibling, forced to disk, then renamed over the old one, so a
 * crash or kill at any moment leaves either the old or the new file, never a mix. A truncated or corrupted
 * file is detected on reading (magic number, lengths, CRC32 trailer) and reported in one line naming it.
 */
package org.mltoolkit.core.checkpoint;
