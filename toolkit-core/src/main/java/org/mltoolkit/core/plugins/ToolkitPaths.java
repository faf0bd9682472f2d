package org.mltoolkit.core.plugins;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the toolkit looks for plugin jars. One rule, in this order:
 * <ol>
 *   <li>a directory named explicitly (the command line's {@code --plugins-dir});</li>
 *   <li>the environment variable {@value #PLUGINS_ENV};</li>
 *   <li>{@code <toolkit.home>/plugins}, where the system property {@value #HOME_PROPERTY} is the installation
 *       (the launcher sets it to the repository root, where the build drops every plugin jar);</li>
 *   <li>{@code ./plugins} under the working directory.</li>
 * </ol>
 * Empty values count as unset. The result is absolute.
 */
public final class ToolkitPaths {
    /** Environment variable naming the plugins directory. */
    public static final String PLUGINS_ENV = "TOOLKIT_PLUGINS";
    /** System property naming the toolkit's installation directory. */
    public static final String HOME_PROPERTY = "toolkit.home";
    /** Name of the plugins directory under the installation or the working directory. */
    public static final String PLUGINS_DIR_NAME = "plugins";

    private ToolkitPaths() {}

    /**
     * The plugins directory for this process: {@code explicit} (may be null), then its environment and system
     * properties.
     */
    public static Path pluginsDir(Path explicit) {
        return pluginsDir(explicit, System.getenv(), System.getProperty(HOME_PROPERTY), Path.of(""));
    }

    /**
     * The plugins directory from explicit inputs, for callers (and tests) that supply their own environment.
     *
     * @param explicit    a directory the user named, or null
     * @param environment environment variables
     * @param toolkitHome the installation directory, or null
     * @param workingDir  the directory relative paths start from
     */
    public static Path pluginsDir(Path explicit, Map<String, String> environment, String toolkitHome, Path workingDir) {
        Path chosen;
        if (explicit != null) {
            chosen = explicit;
        } else if (isSet(environment.get(PLUGINS_ENV))) {
            chosen = Path.of(environment.get(PLUGINS_ENV));
        } else if (isSet(toolkitHome)) {
            chosen = Path.of(toolkitHome).resolve(PLUGINS_DIR_NAME);
        } else {
            chosen = Path.of(PLUGINS_DIR_NAME);
        }
        return workingDir.resolve(chosen).toAbsolutePath().normalize();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
