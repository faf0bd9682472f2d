package org.mltoolkit.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * One chart of one quantity over the epochs, drawn by JFreeChart into SVG. Every point carries an SVG
 * {@code <title>} ("valid loss, epoch 3: 0.0912345"), which a browser shows on hover and a test can find. Not
 * thread-safe; {@link #svg(String)} does not change the chart.
 */
final class LineChart {
    static final int WIDTH = 520;
    static final int HEIGHT = 300;

    /**
     * A line: its legend name, its colour and its points.
     *
     * @param dashed drawn dashed, for a second line of the same colour
     */
    record Line(String name, Color color, boolean dashed, double[] x, double[] y) {}

    private final String title;
    private final String yLabel;
    private final List<Line> lines = new ArrayList<>();

    LineChart(String title, String yLabel) {
        this.title = title;
        this.yLabel = yLabel;
    }

    /** Adds a line; points whose value is NaN or infinite are left out (an epoch that did not record it). */
    LineChart add(Line line) {
        lines.add(line);
        return this;
    }

    boolean isEmpty() {
        return lines.stream().allMatch(l -> java.util.Arrays.stream(l.y()).noneMatch(Double::isFinite));
    }

    /** How a value reads in a point's title: six significant digits, as the tests expect. */
    static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }

    /** The chart as an SVG element with the id {@code id}, to place inline in a page. */
    String svg(String id) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            XYSeries series = new XYSeries(line.name() + "\u0000" + i, false, true);
            for (int k = 0; k < line.x().length; k++) {
                if (Double.isFinite(line.y()[k])) {
                    series.add(line.x()[k], line.y()[k]);
                }
            }
            data.addSeries(series);
        }
        TitledRenderer renderer = new TitledRenderer();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            renderer.setSeriesPaint(i, line.color());
            renderer.setSeriesStroke(
                    i,
                    line.dashed()
                            ? new BasicStroke(
                                    2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                            : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        renderer.setLegendItemLabelGenerator(
                (dataset, series) -> lines.get(series).name());
        NumberAxis xAxis = new NumberAxis("epoch");
        xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis(yLabel);
        yAxis.setAutoRangeIncludesZero(false);
        yAxis.setStandardTickUnits(new NumberTickUnitSource());
        for (NumberAxis axis : List.of(xAxis, yAxis)) {
            axis.setLabelFont(font);
            axis.setTickLabelFont(font.deriveFont(10f));
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xE0E0E0));
        plot.setRangeGridlinePaint(new Color(0xE0E0E0));
        plot.setOutlinePaint(new Color(0xBDBDBD));
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, lines.size() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemFont(font);
            legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        renderer.lines = lines;
        chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return g2.getSVGElement(id);
    }

    /** Draws as usual, and gives each point's marker a title with its line, epoch and value. */
    private static final class TitledRenderer extends XYLineAndShapeRenderer {
        private static final long serialVersionUID = 1L;
        private transient List<Line> lines = List.of();

        TitledRenderer() {
            super(true, true);
            setDrawOutlines(false);
            setUseFillPaint(false);
        }

        @Override
        public void drawItem(
                Graphics2D g2,
                XYItemRendererState state,
                Rectangle2D dataArea,
                PlotRenderingInfo info,
                XYPlot plot,
                ValueAxis domainAxis,
                ValueAxis rangeAxis,
                XYDataset dataset,
                int series,
                int item,
                CrosshairState crosshairState,
                int pass) {
            if (isItemPass(pass)) {
                g2.setRenderingHint(
                        SVGHints.KEY_ELEMENT_TITLE,
                        lines.get(series).name() + ", epoch " + Math.round(dataset.getXValue(series, item)) + ": "
                                + format(dataset.getYValue(series, item)));
            }
            super.drawItem(
                    g2,
                    state,
                    dataArea,
                    info,
                    plot,
                    domainAxis,
                    rangeAxis,
                    dataset,
                    series,
                    item,
                    crosshairState,
                    pass);
        }
    }
}
