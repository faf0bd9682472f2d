package org.mltoolkit.core.plugins;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.PluginRuntimeException;

/** Turns an exception chain from PF4J or a plugin into one line a user can act on. */
final class Failures {
    private Failures() {}

    /**
     * Describes {@code failure} and its causes on one line: each distinct message once, outermost first; an
     * exception without a message is named by its type; wrappers that add nothing are skipped.
     */
    static String describe(Throwable failure) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isBareWrapper(t)) {
                continue;
            }
            String part = describeOne(t);
            if (parts.stream().noneMatch(p -> p.contains(part))) {
                parts.add(part);
            }
        }
        return oneLine(parts.isEmpty() ? failure.getClass().getSimpleName() : String.join(": ", parts));
    }

    /** Collapses line breaks and the indentation after them into single spaces. */
    static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static boolean isBareWrapper(Throwable t) {
        if (t instanceof InvocationTargetException || t instanceof ExceptionInInitializerError) {
            return t.getCause() != null;
        }
        // PluginRuntimeException(cause) copies the cause's toString() as its message.
        return t instanceof PluginRuntimeException
                && t.getCause() != null
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()));
    }

    private static String describeOne(Throwable t) {
        String message = t.getMessage();
        if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) {
            return "class not found: " + (message == null ? "?" : message.replace('/', '.'));
        }
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof PluginRuntimeException || t instanceof org.mltoolkit.api.ToolkitException) {
            return message;
        }
        return t.getClass().getSimpleName() + ": " + message;
    }
}
