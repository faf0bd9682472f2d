package org.mltoolkit.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LabeledData;

/** A dataset of two files whose fetch writes them and remembers every request it got. */
final class FileBackedDataset implements DatasetProvider {
    final List<FetchRequest> requests = new ArrayList<>();

    @Override
    public String name() {
        return "pair";
    }

    @Override
    public String description() {
        return "two files";
    }

    @Override
    public ExampleShape exampleShape() {
        return new ExampleShape(1, 1, 1);
    }

    @Override
    public List<String> classNames() {
        return List.of("no", "yes");
    }

    @Override
    public List<Path> files(Path dataDir) {
        return List.of(
                dataDir.resolve("pair").resolve("train.bin"),
                dataDir.resolve("pair").resolve("test.bin"));
    }

    @Override
    public boolean isPresent(Path dataDir) {
        return files(dataDir).stream().allMatch(Files::isRegularFile);
    }

    @Override
    public List<FetchedFile> fetch(FetchRequest request) {
        requests.add(request);
        List<FetchedFile> fetched = new ArrayList<>();
        try {
            for (Path file : files(request.dataDir())) {
                Files.createDirectories(file.getParent());
                Files.write(file, new byte[] {1});
                fetched.add(new FetchedFile(file.getFileName().toString(), file, "00", "test"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fetched;
    }

    @Override
    public DatasetSplits load(Path dataDir) {
        LabeledData data = new LabeledData(new float[] {0f, 1f}, new int[] {0, 1}, exampleShape(), 2);
        return new DatasetSplits(name(), data, data, classNames());
    }

    Optional<Path> lastFromDir() {
        return requests.get(requests.size() - 1).fromDir();
    }
}
