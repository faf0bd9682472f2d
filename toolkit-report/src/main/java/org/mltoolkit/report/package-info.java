/**
 * HTML pages that show training runs: {@link org.mltoolkit.report.RunReport} writes one run's page (learning
 * curves, the confusion heat map, predictions, configuration, provenance, timings) and
 * {@link org.mltoolkit.report.ComparisonReport} overlays several runs. Pages open from the disk with no server and no
 * network: charts are inline SVG drawn by JFreeChart through JFreeSVG, pictures are PNG files beside the page.
 */
package org.mltoolkit.report;
