package org.mltoolkit.api;

import java.nio.file.Path;

/**
 * One file of a dataset after a fetch.
 *
 * @param name     the file's canonical name, for example {@code train-images-idx3-ubyte}
 * @param path     where it now lies
 * @param sha256   SHA-256 of the uncompressed content, verified against the expected value
 * @param source   where it came from ({@code "already present"}, a directory, a URL, a package)
 */
public record FetchedFile(String name, Path path, String sha256, String source) {}
