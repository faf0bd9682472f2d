/**
 * What a plugin may see: the three PF4J extension points ({@link org.mltoolkit.api.DatasetProvider},
 * {@link org.mltoolkit.api.ModelProvider}, {@link org.mltoolkit.api.TrainerProvider}) and the small value
 * types they exchange with the core.
 *
 * <p>A plugin implements one or more extension points, marks each implementation with
 * {@link org.pf4j.Extension @Extension}, and ships as a self-contained jar with this API and PF4J as
 * {@code provided} dependencies. The core finds extensions by their {@code name()}; names are lower case,
 * unique within their kind, and are what users type on the command line.
 *
 * <p>Threading: the core calls a model or trainer from one thread at a time. Plugins may use as many
 * threads as they like inside a call.
 */
package org.mltoolkit.api;
