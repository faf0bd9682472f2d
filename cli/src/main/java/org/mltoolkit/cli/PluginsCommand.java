package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.mltoolkit.core.plugins.ExtensionInfo;
import org.mltoolkit.core.plugins.ExtensionKind;
import org.mltoolkit.core.plugins.PluginRegistry;
import org.mltoolkit.core.plugins.PluginStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code toolkit plugins}: every plugin in the plugins directory with its state and extensions, and every failed
 * plugin with its reason. Everything is listed first; the exit code is {@link ExitCodes#PLUGIN_FAILURES} when
 * anything failed, so that scripts and CI notice a broken installation.
 */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description = {
            "List the plugins: id, version, state and extensions by kind and name; failed plugins with "
                    + "their reason.",
            "Exits with 3 (after listing everything) when a plugin or one of its extensions failed to load."
        })
public final class PluginsCommand extends ToolkitSubcommand {

    @Mixin
    private SharedOptions.JsonOutput json;

    @Override
    public Integer call() {
        PluginRegistry registry = toolkit().pluginRegistry();
        if (json.enabled()) {
            Json.print(out(), toJson(registry));
        } else {
            printText(registry, out());
        }
        List<PluginStatus> failed = registry.failedPlugins();
        if (failed.isEmpty()) {
            return ExitCodes.OK;
        }
        err().println("error: " + failed.size() + " of " + registry.plugins().size() + " plugins failed to load: "
                + String.join(", ", failed.stream().map(PluginStatus::label).toList()));
        err().flush();
        return ExitCodes.PLUGIN_FAILURES;
    }

    private static ObjectNode toJson(PluginRegistry registry) {
        ObjectNode root = Json.object();
        root.put("plugins_dir", registry.pluginsDir().toString());
        root.put("plugins_dir_exists", registry.pluginsDirExists());
        ArrayNode plugins = root.putArray("plugins");
        for (PluginStatus status : registry.plugins()) {
            ObjectNode plugin = plugins.addObject();
            plugin.put("id", status.id());
            plugin.put("version", status.version());
            plugin.put("state", status.state().label());
            plugin.put("healthy", status.isHealthy());
            plugin.put("path", status.path().toString());
            plugin.put("description", status.description());
            ObjectNode extensions = plugin.putObject("extensions");
            for (Map.Entry<ExtensionKind, List<String>> entry :
                    status.extensionNamesByKind().entrySet()) {
                ArrayNode names = extensions.putArray(entry.getKey().label());
                entry.getValue().forEach(names::add);
            }
            ArrayNode failures = plugin.putArray("failures");
            status.failures().forEach(failures::add);
        }
        for (ExtensionKind kind : ExtensionKind.values()) {
            ArrayNode list = root.putArray(kind.label() + "s");
            for (PluginStatus status : registry.plugins()) {
                for (ExtensionInfo extension : status.extensions()) {
                    if (extension.kind() == kind) {
                        ObjectNode node = list.addObject();
                        node.put("name", extension.name());
                        node.put("plugin", status.id());
                        node.put("description", extension.description());
                    }
                }
            }
        }
        return root;
    }

    private static void printText(PluginRegistry registry, PrintWriter out) {
        if (!registry.pluginsDirExists()) {
            out.println("No plugins: the plugins directory " + registry.pluginsDir() + " does not exist.");
            return;
        }
        if (registry.plugins().isEmpty()) {
            out.println("No plugins in " + registry.pluginsDir() + ".");
            return;
        }
        out.println("Plugins in " + registry.pluginsDir() + ":");
        for (PluginStatus status : registry.plugins()) {
            out.println();
            out.println(status.label() + (status.version() == null ? "" : " " + status.version()) + "  "
                    + status.state().label()
                    + (status.isHealthy() || status.state() != PluginStatus.State.STARTED ? "" : " with failures")
                    + "  " + status.path().getFileName());
            if (!status.description().isEmpty()) {
                out.println("  " + status.description());
            }
            if (status.extensions().isEmpty() && status.state() == PluginStatus.State.STARTED) {
                out.println("  (no extensions)");
            }
            for (ExtensionInfo extension : status.extensions()) {
                out.printf("  %-8s %-16s %s%n", extension.kind().label(), extension.name(), extension.description());
            }
            for (String failure : status.failures()) {
                out.println("  FAILED: " + failure);
            }
        }
        out.flush();
    }
}
