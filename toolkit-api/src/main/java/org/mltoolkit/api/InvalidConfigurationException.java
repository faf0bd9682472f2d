package org.mltoolkit.api;

/** A configuration value out of range or of the wrong type; the message names the option and the value. */
public class InvalidConfigurationException extends ToolkitException {
    private static final long serialVersionUID = 1L;
    private final String option;

    public InvalidConfigurationException(String option, Object value, String requirement) {
        super("invalid value '" + value + "' for " + option + ": " + requirement);
        this.option = option;
    }

    /** The option at fault, as the user spells it (for example {@code --batch-size} or {@code hidden}). */
    public String getOption() {
        return option;
    }
}
