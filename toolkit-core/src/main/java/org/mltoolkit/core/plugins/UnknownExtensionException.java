package org.mltoolkit.core.plugins;

import java.util.List;
import org.mltoolkit.api.ToolkitException;

/** A dataset, model or trainer name that no loaded plugin provides; the message lists the known ones. */
public class UnknownExtensionException extends ToolkitException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final String name;

    public UnknownExtensionException(String kind, String name, List<String> known) {
        super("unknown " + kind + " '" + name + "'; known " + kind + "s: "
                + (known.isEmpty() ? "(none: no plugin provides one)" : String.join(", ", known)));
        this.kind = kind;
        this.name = name;
    }

    /** The same failure with a note appended that says where the names were looked for or what failed to load. */
    public UnknownExtensionException(UnknownExtensionException original, String note) {
        super(original.getMessage() + "; " + note);
        this.kind = original.kind;
        this.name = original.name;
    }

    public String getKind() {
        return kind;
    }

    public String getName() {
        return name;
    }
}
