/**
 * {@code toolkit sweep}: grids of training runs as Apache Spark tasks, each running the toolkit's {@code train} in
 * the executor's JVM. Its own module, so Spark is on the class path only when this command runs.
 */
package org.mltoolkit.spark;
