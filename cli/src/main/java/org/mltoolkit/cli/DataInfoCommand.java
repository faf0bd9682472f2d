package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.core.data.DataManager;
import org.mltoolkit.core.data.DatasetStatistics;
import org.mltoolkit.core.data.SplitStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code toolkit data info <dataset> [--json]}: where the files are, the example shape, and per split the number
 * of examples, the class histogram and the pixel mean and standard deviation. Never downloads: a dataset that is
 * not there is an error that says how to fetch it.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = {
            "Describe a fetched dataset: files, examples per split, class histogram, pixel mean and "
                    + "standard deviation.",
            "Reads and validates every file; never downloads."
        })
public final class DataInfoCommand extends ToolkitSubcommand {

    @Parameters(paramLabel = "DATASET", description = "The dataset's name, for example mnist.")
    private String dataset;

    @Mixin
    private SharedOptions.JsonOutput json;

    @Mixin
    private SharedOptions.DatasetOptions datasetOptions;

    @Override
    public Integer call() {
        DatasetProvider provider = toolkit().extensions().dataset(dataset);
        DataManager data = toolkit().dataManager();
        DatasetSplits splits;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            splits = data.load(provider, new PluginOptions(datasetOptions.values()), true, progress);
        }
        DatasetStatistics stats = DatasetStatistics.of(splits);
        List<Path> files = provider.files(data.dataDir());
        if (json.enabled()) {
            Json.print(out(), toJson(provider, data, files, stats, splits));
        } else {
            printText(provider, data, files, stats, splits, out());
        }
        return ExitCodes.OK;
    }

    private static ObjectNode toJson(
            DatasetProvider provider,
            DataManager data,
            List<Path> files,
            DatasetStatistics stats,
            DatasetSplits splits) {
        ObjectNode root = Json.object();
        root.put("dataset", stats.dataset());
        root.put("description", provider.description());
        root.put("data_dir", data.dataDir().toString());
        if (!files.isEmpty()) {
            root.put("directory", data.datasetDir(provider).toString());
        }
        ArrayNode fileList = root.putArray("files");
        for (Path file : files) {
            ObjectNode node = fileList.addObject();
            node.put("path", file.toString());
            node.put("bytes", sizeOf(file));
            node.put("sha256", sha256(file));
        }
        ExampleShape shape = stats.shape();
        ObjectNode shapeNode = root.putObject("shape");
        shapeNode.put("channels", shape.channels());
        shapeNode.put("height", shape.height());
        shapeNode.put("width", shape.width());
        if (!splits.options().asMap().isEmpty()) {
            ObjectNode options = root.putObject("options");
            splits.options().asMap().forEach(options::put);
        }
        if (!splits.details().isEmpty()) {
            ObjectNode details = root.putObject("details");
            splits.details().forEach(details::put);
        }
        ArrayNode classes = root.putArray("classes");
        stats.classNames().forEach(classes::add);
        root.put("examples", (long) stats.train().examples() + stats.test().examples());
        ObjectNode splitsNode = root.putObject("splits");
        for (SplitStatistics split : stats.splits()) {
            ObjectNode node = splitsNode.putObject(split.split());
            node.put("examples", split.examples());
            node.put("pixel_mean", split.pixelMean());
            node.put("pixel_std", split.pixelStd());
            ArrayNode channelMeans = node.putArray("channel_means");
            split.channelMeans().forEach(channelMeans::add);
            ArrayNode channelStds = node.putArray("channel_stds");
            split.channelStds().forEach(channelStds::add);
            node.put("pixel_min", split.pixelMin());
            node.put("pixel_max", split.pixelMax());
            ObjectNode counts = node.putObject("class_counts");
            for (int c = 0; c < stats.classNames().size(); c++) {
                counts.put(stats.classNames().get(c), split.classCounts().get(c));
            }
        }
        return root;
    }

    private static void printText(
            DatasetProvider provider,
            DataManager data,
            List<Path> files,
            DatasetStatistics stats,
            DatasetSplits splits,
            PrintWriter out) {
        out.println("dataset    " + stats.dataset() + " - " + provider.description());
        if (!files.isEmpty()) {
            out.println("directory  " + data.datasetDir(provider));
        }
        String label = "files      ";
        for (Path file : files) {
            out.println(label + file.getFileName() + String.format(Locale.ROOT, " (%,d bytes)", sizeOf(file)));
            label = "           ";
        }
        splits.details()
                .forEach((key, value) ->
                        out.println(String.format(Locale.ROOT, "%-10s %s", key.replace('_', ' '), value)));
        if (!splits.options().asMap().isEmpty()) {
            List<String> options = new java.util.ArrayList<>();
            splits.options().asMap().forEach((key, value) -> options.add(key + "=" + value));
            out.println("options    " + String.join(" ", options) + " (as a run records them)");
        }
        out.println(
                "examples   " + stats.shape() + " each, " + stats.classNames().size() + " classes");
        out.println();
        boolean colour = stats.shape().channels() > 1;
        out.println("split       examples  pixel mean   pixel std" + (colour ? "  per channel: mean / std" : ""));
        for (SplitStatistics split : stats.splits()) {
            StringBuilder perChannel = new StringBuilder();
            for (int c = 0; colour && c < split.channelMeans().size(); c++) {
                perChannel.append(String.format(
                        Locale.ROOT,
                        "  %.4f / %.4f",
                        split.channelMeans().get(c),
                        split.channelStds().get(c)));
            }
            out.println(String.format(
                            Locale.ROOT,
                            "%-8s %,11d  %10.6f  %10.6f",
                            split.split(),
                            split.examples(),
                            split.pixelMean(),
                            split.pixelStd())
                    + perChannel);
        }
        out.println();
        int nameWidth = Math.max(
                5, stats.classNames().stream().mapToInt(String::length).max().orElse(0));
        out.println(String.format(Locale.ROOT, "%-" + nameWidth + "s %9s %9s", "class", "train", "test"));
        for (int c = 0; c < stats.classNames().size(); c++) {
            out.println(String.format(
                    Locale.ROOT,
                    "%-" + nameWidth + "s %,9d %,9d",
                    stats.classNames().get(c),
                    stats.train().classCounts().get(c),
                    stats.test().classCounts().get(c)));
        }
        out.flush();
    }

    /** The SHA-256 of the file as it lies on disk, to compare with published values; the load validated it. */
    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
