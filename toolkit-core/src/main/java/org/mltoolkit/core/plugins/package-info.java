/**
 * Plugin discovery: {@link org.mltoolkit.core.plugins.PluginRegistry} loads PF4J plugin jars from a plugins
 * directory ({@link org.mltoolkit.core.plugins.ToolkitPaths} says which), keeps every plugin that fails to load
 * as a {@link org.mltoolkit.core.plugins.PluginStatus} with its reason, and finds datasets, models and
 * trainers by name through {@link org.mltoolkit.core.plugins.ExtensionLookup}.
 *
 * <p>An application that embeds the core without PF4J hands its providers to
 * {@link org.mltoolkit.core.plugins.StaticExtensions} instead.
 */
package org.mltoolkit.core.plugins;
