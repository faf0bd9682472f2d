package org.mltoolkit.plugin.cnn.imported;

/** What a classifier's output holds, told by the operator that computes it. */
public enum OutputKind {
    /** LogSoftmax last: trained with the NLL loss as it is. */
    LOG_PROBABILITIES("log-probabilities", "LogSoftmax last", "trained with the NLL loss as it is"),
    /** Softmax last: trained with the NLL loss of LogSoftmax in place of that Softmax. */
    PROBABILITIES("probabilities", "Softmax last", "trained through a LogSoftmax in place of that Softmax"),
    /** Anything else: trained with the NLL loss of a LogSoftmax appended to it. */
    LOGITS("logits", "no Softmax or LogSoftmax last", "trained through an appended LogSoftmax");

    private final String label;
    private final String reason;
    private final String training;

    OutputKind(String label, String reason, String training) {
        this.label = label;
        this.reason = reason;
        this.training = training;
    }

    /** How users see it: {@code log-probabilities}, {@code probabilities} or {@code logits}. */
    public String label() {
        return label;
    }

    /** Why the output was taken to be of this kind. */
    public String reason() {
        return reason;
    }

    /** How training turns this output into the NLL loss, for descriptions. */
    public String training() {
        return training;
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
