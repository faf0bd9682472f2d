package org.mltoolkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void numbersLoseTrailingZerosOnlyAfterTheDecimalPoint() {
        assertEquals("100000", Html.value(100000.0));
        assertEquals("0.001", Html.value(0.001));
        assertEquals("1.5e-05", Html.value(1.5e-5));
        assertEquals("2.5", Html.value(2.5));
        assertEquals("NaN", Html.value(Double.NaN));
    }

    @Test
    void escapesWhatHtmlGivesAMeaning() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", Html.escape("<a href=\"x\">&'"));
    }
}
