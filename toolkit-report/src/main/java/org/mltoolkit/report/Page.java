package org.mltoolkit.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The frame every page shares: the head with its style sheet, the heading, the sections, the end. */
final class Page {
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT).withZone(ZoneId.systemDefault());

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 24px;
                   color: #202124; background: #fff; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #e0e0e0; padding-bottom: 4px; }
            .status { padding: 8px 12px; border-radius: 4px; margin: 8px 0 16px; display: inline-block; }
            .status.ended { background: #e6f4ea; } .status.running { background: #e8f0fe; }
            .status.stopped { background: #fce8e6; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            .charts figure { margin: 0; border: 1px solid #e0e0e0; border-radius: 4px; }
            .charts figcaption { font-size: 12px; color: #5f6368; padding: 0 8px 6px; max-width: 500px; }
            table { border-collapse: collapse; font-size: 13px; margin: 4px 0 12px; }
            th, td { border: 1px solid #e0e0e0; padding: 3px 8px; text-align: left; vertical-align: top; }
            th { background: #f8f9fa; font-weight: 600; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            table.confusion td { text-align: right; min-width: 34px; font-variant-numeric: tabular-nums; }
            .tiles { display: flex; flex-wrap: wrap; gap: 8px; }
            .tile { margin: 0; padding: 4px; border: 2px solid #34a853; border-radius: 4px; width: 92px;
                    text-align: center; font-size: 11px; }
            .tile.wrong { border-color: #d93025; }
            .tile img { width: 84px; height: 84px; image-rendering: pixelated; display: block; margin: 0 auto; }
            .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px;
                      vertical-align: middle; }
            .note { color: #5f6368; font-size: 13px; }
            """;

    private final StringBuilder html = new StringBuilder(1 << 16);

    /**
     * Starts a page titled {@code title}. A non-null {@code reloadScript} goes into the head (the live page's
     * reload).
     */
    Page(String title, String reloadScript) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(ReportOutput.GENERATOR_TAG)
                .append("\n<title>")
                .append(Html.escape(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n");
        if (reloadScript != null) {
            html.append("<script>\n").append(reloadScript).append("</script>\n");
        }
        html.append("</head>\n<body>\n<h1>").append(Html.escape(title)).append("</h1>\n");
    }

    /** Opens a section with the id {@code id} (pages and tests find sections by it) under a heading. */
    StringBuilder section(String id, String heading) {
        html.append("<section id=\"")
                .append(id)
                .append("\">\n<h2>")
                .append(Html.escape(heading))
                .append("</h2>\n");
        return html;
    }

    StringBuilder body() {
        return html;
    }

    void endSection() {
        html.append("</section>\n");
    }

    /** A flex row of charts, each in a figure with a caption. */
    void charts(java.util.List<Figure> figures) {
        html.append("<div class=\"charts\">\n");
        for (Figure f : figures) {
            html.append("<figure id=\"chart-")
                    .append(f.id())
                    .append("\" data-metric=\"")
                    .append(Html.escape(f.id()))
                    .append("\">\n")
                    .append(f.svg())
                    .append("\n<figcaption>")
                    .append(Html.escape(f.caption()))
                    .append("</figcaption>\n</figure>\n");
        }
        html.append("</div>\n");
    }

    /** A drawn chart for {@link #charts}. */
    record Figure(String id, String svg, String caption) {}

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    String finish(Instant generated, String toolkitVersion) {
        html.append("<p class=\"note\">Written ")
                .append(Html.escape(time(generated)))
                .append(" by toolkit ")
                .append(Html.escape(toolkitVersion))
                .append(".</p>\n</body>\n</html>\n");
        return html.toString();
    }
}
