package org.mltoolkit.api;

/** How a model wants its input batches shaped. The memory layout is the same; only the declared shape differs. */
public enum InputLayout {
    /** {@code [batch, channels*height*width]}. */
    FLAT,
    /** {@code [batch, channels, height, width]}. */
    IMAGE
}
