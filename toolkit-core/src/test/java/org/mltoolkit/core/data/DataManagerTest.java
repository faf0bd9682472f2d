package org.mltoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

class DataManagerTest {

    @TempDir
    Path temp;

    @Test
    void dataDirectoryComesFromTheFirstSourceThatIsSet() {
        Path home = Path.of("/home/ada");
        assertEquals(
                Path.of("/explicit"),
                DataManager.resolveDataDir(
                        Path.of("/explicit"), Map.of(DataManager.DATA_ENV, "/env", "XDG_DATA_HOME", "/xdg"), home));
        assertEquals(
                Path.of("/env"),
                DataManager.resolveDataDir(null, Map.of(DataManager.DATA_ENV, "/env", "XDG_DATA_HOME", "/xdg"), home));
        assertEquals(
                Path.of("/xdg/mltoolkit"),
                DataManager.resolveDataDir(null, Map.of(DataManager.DATA_ENV, "", "XDG_DATA_HOME", "/xdg"), home));
        // The XDG specification says a relative XDG_DATA_HOME is to be ignored.
        assertEquals(
                Path.of("/home/ada/.local/share/mltoolkit"),
                DataManager.resolveDataDir(null, Map.of("XDG_DATA_HOME", "relative"), home));
        assertEquals(Path.of("/home/ada/.local/share/mltoolkit"), DataManager.resolveDataDir(null, Map.of(), home));
    }

    @Test
    void offlineRefusesToFetchAndSaysWhatIsMissing() {
        FileBackedDataset dataset = new FileBackedDataset();
        DataManager data = new DataManager(temp.resolve("data"));

        DataMissingException e = assertThrows(
                DataMissingException.class, () -> data.ensureAvailable(dataset, true, ProgressListener.NONE));
        assertEquals(
                "dataset 'pair' is not in " + temp.resolve("data") + " (missing train.bin, test.bin); fetch it first",
                e.getMessage());
        assertEquals(List.of(), dataset.requests);
        assertEquals(2, e.getMissing().size());
        assertEquals("pair", e.getDataset());
    }

    @Test
    void fetchesOnlyWhatIsMissingThenLoadsOffline() {
        FileBackedDataset dataset = new FileBackedDataset();
        DataManager data = new DataManager(temp.resolve("new").resolve("data"));

        assertEquals(
                2, data.ensureAvailable(dataset, false, ProgressListener.NONE).size());
        assertEquals(1, dataset.requests.size());
        assertEquals(Optional.empty(), dataset.lastFromDir());
        assertEquals(List.of(), data.missingFiles(dataset));

        assertEquals(List.of(), data.ensureAvailable(dataset, false, ProgressListener.NONE));
        assertEquals(
                2,
                data.load(dataset, PluginOptions.empty(), true, ProgressListener.NONE)
                        .train()
                        .size());
        assertEquals(1, dataset.requests.size());
        assertEquals(temp.resolve("new").resolve("data").resolve("pair"), data.datasetDir(dataset));
    }

    @Test
    void fetchPassesTheSourceDirectoryAndRefusesOneThatDoesNotExist() throws IOException {
        FileBackedDataset dataset = new FileBackedDataset();
        DataManager data = new DataManager(temp.resolve("data"));
        Path from = Files.createDirectory(temp.resolve("from"));

        data.fetch(dataset, Optional.of(from), ProgressListener.NONE);
        assertEquals(Optional.of(from), dataset.lastFromDir());

        Path absent = temp.resolve("absent");
        ToolkitException e = assertThrows(
                ToolkitException.class, () -> data.fetch(dataset, Optional.of(absent), ProgressListener.NONE));
        assertEquals("source directory " + absent + " does not exist", e.getMessage());
    }

    @Test
    void anUncreatableDataDirectoryIsNamed() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");
        DataManager data = new DataManager(file.resolve("data"));
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> data.fetch(new FileBackedDataset(), Optional.empty(), ProgressListener.NONE));
        assertTrue(
                e.getMessage().startsWith("cannot create data directory " + file.resolve("data") + ": "),
                e.getMessage());
    }
}
