package org.mltoolkit.report;

import java.awt.Color;

/**
 * The colours of the pages, fixed so that a series looks the same in every chart: training is always orange and
 * validation always blue, and in a comparison run {@code i} always takes {@link #run(int)}.
 */
final class Palette {
    static final Color TRAIN = new Color(0xE8710A);
    static final Color VALID = new Color(0x1A73E8);
    /** Ten colours told apart also by most colour-blind readers (Tableau 10), one per compared run. */
    private static final int[] RUNS = {
        0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC
    };

    private Palette() {}

    /** The colour of the {@code index}-th compared run; after ten runs the colours repeat, dashed. */
    static Color run(int index) {
        return new Color(RUNS[index % RUNS.length]);
    }

    /** True for runs past the tenth, whose colour repeats an earlier run's and which are drawn dashed. */
    static boolean repeats(int index) {
        return index >= RUNS.length;
    }

    /** The colour as CSS writes it. */
    static String css(Color color) {
        return String.format("#%06x", color.getRGB() & 0xFFFFFF);
    }
}
