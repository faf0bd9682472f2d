package org.mltoolkit.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.core.plugins.fixtures.TinyDataset;

class ExtensionLookupTest {

    @Test
    void findsByNameAndListsTheKnownNamesSortedWhenUnknown() {
        DatasetProvider tiny = new TinyDataset();
        DatasetProvider other = new TinyDataset() {
            @Override
            public String name() {
                return "alpha";
            }
        };
        ExtensionLookup lookup = new StaticExtensions(List.of(tiny, other), List.of(), List.of());

        assertSame(tiny, lookup.dataset("tiny"));
        assertSame(other, lookup.dataset("alpha"));
        assertEquals(
                "unknown dataset 'Tiny'; known datasets: alpha, tiny",
                assertThrows(UnknownExtensionException.class, () -> lookup.dataset("Tiny"))
                        .getMessage());
        assertEquals(
                "unknown model 'fc'; known models: (none: no plugin provides one)",
                assertThrows(UnknownExtensionException.class, () -> lookup.model("fc"))
                        .getMessage());
        assertTrue(lookup.pluginOf(tiny).isEmpty());
    }

    @Test
    void pluginsDirectoryComesFromTheFirstSourceThatIsSet() {
        Path work = Path.of("/srv/toolkit-user");
        assertEquals(
                Path.of("/explicit"),
                ToolkitPaths.pluginsDir(Path.of("/explicit"), Map.of(ToolkitPaths.PLUGINS_ENV, "/env"), "/home", work));
        assertEquals(
                Path.of("/srv/toolkit-user/relative"),
                ToolkitPaths.pluginsDir(Path.of("relative"), Map.of(), null, work));
        assertEquals(
                Path.of("/env"),
                ToolkitPaths.pluginsDir(null, Map.of(ToolkitPaths.PLUGINS_ENV, "/env"), "/home", work));
        assertEquals(
                Path.of("/home/plugins"),
                ToolkitPaths.pluginsDir(null, Map.of(ToolkitPaths.PLUGINS_ENV, " "), "/home", work));
        assertEquals(Path.of("/srv/toolkit-user/plugins"), ToolkitPaths.pluginsDir(null, Map.of(), "", work));
    }
}
