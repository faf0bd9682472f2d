/**
 * Benchmarks run by hand (never by the test suite): matrix-product back ends and whole training epochs on
 * real MNIST. Commands in the module's README.
 */
package org.mltoolkit.plugin.fc.bench;
