/**
 * Data management: {@link org.mltoolkit.core.data.DataManager} decides where datasets live, fetches them through
 * their {@link org.mltoolkit.api.DatasetProvider} (or refuses to, offline) and loads them;
 * {@link org.mltoolkit.core.data.DatasetStatistics} describes a loaded dataset (counts, class histogram, pixel
 * mean and standard deviation).
 */
package org.mltoolkit.core.data;
