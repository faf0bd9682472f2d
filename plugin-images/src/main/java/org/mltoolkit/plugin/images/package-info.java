/**
 * The {@code images} plugin: the dataset {@code images}, a folder of the user's PNG, JPEG, BMP and GIF files with
 * one subfolder per class, in the layout of torchvision's ImageFolder.
 *
 * <p>{@link org.mltoolkit.plugin.images.ImageFolderDataset} parses the options and assembles the splits;
 * {@link org.mltoolkit.plugin.images.FolderScan} finds the layout, the classes and the files;
 * {@link org.mltoolkit.plugin.images.FolderReader} digests the files' contents and decodes them on a few threads with
 * {@link org.mltoolkit.plugin.images.ImageCodec} (Java's image readers) and
 * {@link org.mltoolkit.plugin.images.Resampler} (an antialiased bilinear resize); and
 * {@link org.mltoolkit.plugin.images.ImageCache} keeps the decoded images beside the data, keyed by that digest.
 */
package org.mltoolkit.plugin.images;
