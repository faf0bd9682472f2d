package org.mltoolkit.plugin.cnn.imported;

/** What a classifier's output holds, told by the operator that computes it. */
public enum OutputKind {
    /** LogSoftmax last: trained with the NLL loss as it is. */
    LOG_PROBABILITIES("log-probabilities", "LogSoftmax last"),
    /** Softmax last: trained with the NLL loss of LogSoftmax in place of that Softmax. */
    PROBABILITIES("probabilities", "Softmax last"),
    /** Anything else: trained with the NLL loss of a LogSoftmax appended to it. */
    LOGITS("logits", "no Softmax or LogSoftmax last");

    private final String label;
    private final String reason;

    OutputKind(String label, String reason) {
        this.label = label;
        this.reason = reason;
    }

    /** How users see it: {@code log-probabilities}, {@code probabilities} or {@code logits}. */
    public String label() {
        return label;
    }

    /** Why the output was taken to be of this kind. */
    public String reason() {
        return reason;
    }

    /** The kind with the given {@link #label()}, or null. */
    public static OutputKind ofLabel(String label) {
        for (OutputKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return null;
    }
}
