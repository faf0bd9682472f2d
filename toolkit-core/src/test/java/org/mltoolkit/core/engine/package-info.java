/** Tests of the split, the batches, the event loop, running averages, schedules and early stopping. */
package org.mltoolkit.core.engine;
