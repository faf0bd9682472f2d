/**
 * Ensembles of trained classifiers: {@link org.mltoolkit.core.ensemble.EnsembleFile} keeps the members' checkpoints
 * in one checksummed file, {@link org.mltoolkit.core.ensemble.Ensemble} runs them as one model that averages their
 * probabilities, and {@link org.mltoolkit.core.ensemble.SweepSelection} picks members from a sweep's summary.
 */
package org.mltoolkit.core.ensemble;
