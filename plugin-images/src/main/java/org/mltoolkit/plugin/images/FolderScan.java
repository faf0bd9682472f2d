package org.mltoolkit.plugin.images;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mltoolkit.api.DataFormatException;

/**
 * What an image folder holds: its layout, its classes and every image file with its class and split, in a fixed
 * order (split, class, then file name), plus the files that were passed over because they are not images.
 *
 * <p>Layouts, after torchvision's ImageFolder: {@code ROOT/train/<class>/*} with {@code ROOT/test/<class>/*} (or
 * {@code ROOT/val/<class>/*}); {@code ROOT/train/<class>/*} alone, from which the test split is held out; or
 * {@code ROOT/<class>/*}, from which the test split is held out. Class names are the training split's folder
 * names, sorted. Files and folders whose names start with a dot are hidden and never read (the cache lives in one).
 * Image files are recognised by their extension; the decoder then reads them by their content.
 *
 * @param root     the image folder
 * @param layout   how the splits are laid out
 * @param classes  class names in label order
 * @param files    every image file
 * @param ignored  files that are not images (by extension), relative to the root
 */
record FolderScan(Path root, Layout layout, List<String> classes, List<ImageFile> files, List<String> ignored) {
    /** File extensions read as images, lower case. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "jpe", "jfif", "bmp", "dib", "gif");

    /** Where the test split comes from. */
    enum Layout {
        /** {@code train/} and {@code test/} (or {@code val/}) folders. */
        SPLIT_FOLDERS,
        /** A {@code train/} folder alone; the test split is held out from it. */
        TRAIN_FOLDER_ONLY,
        /** Class folders directly under the root; the test split is held out. */
        CLASS_FOLDERS;

        boolean heldOut() {
            return this != SPLIT_FOLDERS;
        }
    }

    /** The split a file was found in; {@link #POOL} files are divided by the hold-out. */
    enum Part {
        TRAIN,
        TEST,
        POOL
    }

    /**
     * One image file.
     *
     * @param relative its path relative to the root, with {@code /} separators
     * @param path     its path
     * @param label    its class index
     * @param part     where it was found
     */
    record ImageFile(String relative, Path path, int label, Part part) {}

    FolderScan {
        classes = List.copyOf(classes);
        files = List.copyOf(files);
        ignored = List.copyOf(ignored);
    }

    /**
     * Scans {@code root}. Throws DataFormatException naming the folder when it holds fewer than two class folders,
     * when a training class folder holds no image, or when the test split has a class the training split lacks.
     */
    static FolderScan of(Path root) {
        Path train = root.resolve("train");
        Path test = Files.isDirectory(root.resolve("test")) ? root.resolve("test") : root.resolve("val");
        List<ImageFile> files = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> classes;
        Layout layout;
        if (Files.isDirectory(train)) {
            classes = subfolders(train);
            layout = Files.isDirectory(test) ? Layout.SPLIT_FOLDERS : Layout.TRAIN_FOLDER_ONLY;
            collect(root, train, classes, layout.heldOut() ? Part.POOL : Part.TRAIN, files, ignored);
            if (!layout.heldOut()) {
                for (String name : subfolders(test)) {
                    if (!classes.contains(name)) {
                        throw new DataFormatException(
                                test.resolve(name),
                                "class folder '" + name + "' has no counterpart in " + train
                                        + " (the training split's folders are the classes: "
                                        + String.join(", ", classes)
                                        + ")");
                    }
                }
                collect(root, test, classes, Part.TEST, files, ignored);
            }
        } else {
            classes = subfolders(root);
            layout = Layout.CLASS_FOLDERS;
            collect(root, root, classes, Part.POOL, files, ignored);
        }
        Path classParent = layout == Layout.CLASS_FOLDERS ? root : train;
        if (classes.size() < 2) {
            throw new DataFormatException(
                    classParent,
                    "holds " + classes.size() + " class folder" + (classes.size() == 1 ? "" : "s")
                            + "; an image folder needs at least two, one per class (" + expectedLayout() + ")");
        }
        boolean[] seen = new boolean[classes.size()];
        for (ImageFile file : files) {
            if (file.part() != Part.TEST) {
                seen[file.label()] = true;
            }
        }
        for (int c = 0; c < classes.size(); c++) {
            if (!seen[c]) {
                throw new DataFormatException(
                        classParent.resolve(classes.get(c)),
                        "class folder holds no image (PNG, JPEG, BMP or GIF); remove it or add images");
            }
        }
        return new FolderScan(root, layout, classes, files, ignored);
    }

    /** How the folder should look, for error messages. */
    static String expectedLayout() {
        return "expected DIR/train/<class>/* with DIR/test/<class>/*, or DIR/<class>/*";
    }

    /** The folder the test split is read from, for a split-folder layout. */
    Path testFolder() {
        return Files.isDirectory(root.resolve("test")) ? root.resolve("test") : root.resolve("val");
    }

    /** True when {@code name} has an image file extension. */
    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The visible subfolders of {@code dir}, sorted by name. */
    private static List<String> subfolders(Path dir) {
        List<String> names = new ArrayList<>();
        for (Path entry : list(dir)) {
            String name = entry.getFileName().toString();
            if (!name.startsWith(".") && Files.isDirectory(entry)) {
                names.add(name);
            }
        }
        Collections.sort(names);
        return names;
    }

    /**
     * Adds the image files under {@code splitDir/<class>/} (recursively, in name order) for each class that has a
     * folder there, and notes the other visible files (loose files beside the class folders included).
     */
    private static void collect(
            Path root, Path splitDir, List<String> classes, Part part, List<ImageFile> files, List<String> ignored) {
        for (Path entry : list(splitDir)) {
            String name = entry.getFileName().toString();
            if (!name.startsWith(".") && Files.isRegularFile(entry)) {
                ignored.add(relative(root, entry));
            }
        }
        for (int label = 0; label < classes.size(); label++) {
            Path classDir = splitDir.resolve(classes.get(label));
            if (Files.isDirectory(classDir)) {
                walk(root, classDir, label, part, files, ignored);
            }
        }
    }

    private static void walk(Path root, Path dir, int label, Part part, List<ImageFile> files, List<String> ignored) {
        for (Path entry : list(dir)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".")) {
                continue;
            }
            if (Files.isDirectory(entry)) {
                walk(root, entry, label, part, files, ignored);
            } else if (isImageName(name)) {
                files.add(new ImageFile(relative(root, entry), entry, label, part));
            } else {
                ignored.add(relative(root, entry));
            }
        }
    }

    /** The entries of {@code dir} sorted by name; throws DataFormatException naming the folder if it is unreadable. */
    private static List<Path> list(Path dir) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            throw new DataFormatException(dir, "cannot list the folder: " + e.getMessage(), e);
        }
        entries.sort(null);
        return entries;
    }

    private static String relative(Path root, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
