package org.mltoolkit.api;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting's value out of range or of the wrong type. The message names the setting as the API spells it (a
 * builder setting such as {@code batchSize}, a plugin option's key such as {@code hidden}), never as a command line
 * does: a command line renders it in its own terms with {@link #message(Function)}.
 */
public class InvalidConfigurationException extends ToolkitException {
    private static final long serialVersionUID = 1L;
    /** A reference to another setting inside a requirement, such as {@code {overwrite}}. */
    private static final Pattern SETTING_REFERENCE = Pattern.compile("\\{([a-z][A-Za-z0-9]*)}");

    private final String setting;
    private final String value;
    private final String requirement;

    /**
     * @param setting     the setting at fault
     * @param value       the value given, or null when it is missing
     * @param requirement what the value must be, in a few words; it may name another setting as {@code {name}}
     *                    (for example "or enable {overwrite}"), which every message renders in its reader's terms
     */
    public InvalidConfigurationException(String setting, Object value, String requirement) {
        super(describe(setting, String.valueOf(value), requirement, Function.identity()));
        this.setting = setting;
        this.value = String.valueOf(value);
        this.requirement = requirement;
    }

    /** The setting at fault, as the API names it (for example {@code batchSize} or {@code hidden}). */
    public String getSetting() {
        return setting;
    }

    /**
     * This exception's one-line message with every setting named by {@code names}: the setting at fault and those
     * its requirement refers to. A command line passes its option names; {@link #getMessage()} is this message with
     * the settings' own names.
     */
    public String message(Function<String, String> names) {
        return describe(setting, value, requirement, names);
    }

    private static String describe(String setting, String value, String requirement, Function<String, String> names) {
        Matcher references = SETTING_REFERENCE.matcher(requirement);
        String rendered = references.replaceAll(r -> Matcher.quoteReplacement(names.apply(r.group(1))));
        return "invalid value '" + value + "' for " + names.apply(setting) + ": " + rendered;
    }
}
