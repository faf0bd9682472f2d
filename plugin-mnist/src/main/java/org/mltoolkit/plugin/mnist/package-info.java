/**
 * The {@code mnist} plugin: the datasets {@code mnist} (handwritten digits) and {@code fashion-mnist}
 * (Zalando article images), read from IDX files and fetched from verified sources.
 *
 * <p>Both datasets keep four files under {@code dataDir/<dataset name>/}, uncompressed, under their
 * canonical names ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}); a gzipped {@code .gz} file in their
 * place is read as well. {@link org.mltoolkit.plugin.mnist.IdxReader} parses and validates the format,
 * {@link org.mltoolkit.plugin.mnist.IdxDataset} turns the files into scaled examples. Fetching is the
 * support library's ({@link org.mltoolkit.plugin.support.fetch.DatasetFetcher}): missing files come from an
 * ordered list of sources, and the SHA-256 of every file is checked before it is moved into place.
 */
package org.mltoolkit.plugin.mnist;
