package org.mltoolkit.core.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The toolkit's version, as the build recorded it beside the core's classes. */
public final class ToolkitVersion {
    private static final String VERSION = read();

    private ToolkitVersion() {}

    /** For example {@code 0.1.0-SNAPSHOT}; {@code unknown} when the core's classes came without their resources. */
    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = ToolkitVersion.class.getResourceAsStream("toolkit.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
