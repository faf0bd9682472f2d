package org.mltoolkit.cli;

/** The exit codes of the {@code toolkit} command. */
public final class ExitCodes {
    /** Everything worked. */
    public static final int OK = 0;
    /** The command failed: bad data, a missing file, an unknown name, an unexpected exception. */
    public static final int ERROR = 1;
    /** The command line itself was wrong: unknown option, missing argument, value out of range. */
    public static final int USAGE = 2;
    /** {@code plugins} listed everything, but at least one plugin (or one of its extensions) failed to load. */
    public static final int PLUGIN_FAILURES = 3;

    private ExitCodes() {}
}
