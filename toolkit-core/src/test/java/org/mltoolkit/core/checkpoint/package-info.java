/** Tests of the checkpoint format and of atomic file replacement. */
package org.mltoolkit.core.checkpoint;
