package org.mltoolkit.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small pieces of HTML: escaping, tables of keys and values, numbers as the pages print them. */
final class Html {
    private Html() {}

    /** {@code text} with the characters that HTML gives a meaning escaped; null becomes an empty string. */
    static String escape(Object text) {
        if (text == null) {
            return "";
        }
        String s = text.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A value as a table cell shows it: numbers with up to six significant digits, maps as key=value lists. */
    static String value(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? withoutTrailingZeros(LineChart.format(d)) : Double.toString(d);
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return "(none)";
            }
            StringBuilder sb = new StringBuilder();
            map.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ")
                    .append(k)
                    .append('=')
                    .append(v));
            return sb.toString();
        }
        return value.toString();
    }

    /** "0.00100000" as "0.001", "1.50000e-05" as "1.5e-05"; digits before the decimal point stay. */
    static String withoutTrailingZeros(String number) {
        int exponent = number.indexOf('e');
        String mantissa = exponent < 0 ? number : number.substring(0, exponent);
        String rest = exponent < 0 ? "" : number.substring(exponent);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceFirst("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + rest;
    }

    /** A fraction as a percentage with two decimals, or an empty string for NaN. */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    /** A two-column table of keys and values. */
    static void keyValueTable(StringBuilder html, String cssClass, Map<String, ?> rows) {
        html.append("<table class=\"").append(cssClass).append("\">\n");
        rows.forEach((key, value) -> html.append("<tr><th>")
                .append(escape(key))
                .append("</th><td>")
                .append(escape(value(value)))
                .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    /** A table with a header row and body rows of already escaped cells. */
    static void table(StringBuilder html, String cssClass, List<String> header, List<List<String>> rows) {
        html.append("<table class=\"").append(cssClass).append("\">\n<thead><tr>");
        header.forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            row.forEach(cell -> html.append("<td>").append(cell).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }
}
