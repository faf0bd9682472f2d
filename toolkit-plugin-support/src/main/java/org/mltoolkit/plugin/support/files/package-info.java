/**
 * Files a plugin writes itself, such as a dataset's downloaded files or a cache beside the data: {@link
 * org.mltoolkit.plugin.support.files.AtomicFile} puts each in place in one rename, so that a crash or a failure never
 * leaves a half-written file where a whole one is expected.
 */
package org.mltoolkit.plugin.support.files;
