package org.mltoolkit.plugin.images;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.mltoolkit.plugin.images.FolderScan.Part;
import org.mltoolkit.plugin.support.files.AtomicFile;

/**
 * Decoded images kept in a file, so that later loads of an unchanged folder do not decode again.
 *
 * <p>One file per folder, size and channel count: {@code images-<H>x<W>x<C>.cache} in the cache folder (with a
 * digest of the image folder's path in the name when the user chose a shared cache folder). The file records the
 * digest of the folder's contents (every image's path, class and SHA-256) it was made from; a load whose digest
 * differs, because a file was added, removed, renamed or changed, decodes again and replaces the file. Files are
 * written to a temporary file beside the final one, forced to disk and renamed into place (the support library's
 * {@link AtomicFile}), and end with a CRC32: a damaged or truncated cache is taken for a miss, never for data.
 */
final class ImageCache {
    /** Changes whenever the decoding or the file layout changes, so that old caches are decoded again. */
    static final int FORMAT_VERSION = 2;

    private static final byte[] MAGIC = "MLTKIMG\n".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_REASON_CHARS = 1000;

    private ImageCache() {}

    /** The cache file for these settings in {@code directory}; {@code root} is named only for a shared folder. */
    static Path file(Path directory, Path root, boolean shared, ImageSize size, int channels) {
        return directory.resolve("images-" + size + "x" + channels + suffix(root, shared));
    }

    private static String suffix(Path root, boolean shared) {
        return (shared
                        ? "-"
                                + hex(sha256(root.toString().getBytes(StandardCharsets.UTF_8)))
                                        .substring(0, 16)
                        : "") + ".cache";
    }

    /**
     * A cache file made from contents with {@code digest} whose size and channels suit a request that leaves them to
     * the data: where {@code size} is null the file's size must have been chosen from the data, likewise for
     * {@code channels} of 0, and given ones must be equal. The data's choice depends on the contents alone, so such a
     * file holds what reading every header would choose, and a load finds it by the digest without reading them.
     * Empty when there is none; unreadable files are passed over.
     */
    static Optional<Path> findChosenFromData(
            Path directory, Path root, boolean shared, byte[] digest, ImageSize size, int channels) {
        Pattern name = Pattern.compile("images-\\d+x\\d+x[13]" + Pattern.quote(suffix(root, shared)));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (name.matcher(file.getFileName().toString()).matches()
                        && chosenFromData(file, digest, size, channels)) {
                    return Optional.of(file);
                }
            }
        } catch (IOException e) {
            // No cache folder yet, or an unreadable one: the load reads the headers instead.
        }
        return Optional.empty();
    }

    private static boolean chosenFromData(Path file, byte[] digest, ImageSize size, int channels) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 256))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC) || in.readInt() != FORMAT_VERSION) {
                return false;
            }
            byte[] stored = new byte[digest.length];
            in.readFully(stored);
            ImageSize storedSize = new ImageSize(in.readInt(), in.readInt());
            int storedChannels = in.readInt();
            boolean sizeChosen = in.readBoolean();
            boolean channelsChosen = in.readBoolean();
            return Arrays.equals(stored, digest)
                    && (size == null ? sizeChosen : size.equals(storedSize))
                    && (channels == 0 ? channelsChosen : channels == storedChannels);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The size a cache file's name gives. */
    static ImageSize sizeOf(Path file) {
        String[] parts = file.getFileName().toString().split("[-.]")[1].split("x");
        return new ImageSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** The channel count a cache file's name gives. */
    static int channelsOf(Path file) {
        return Integer.parseInt(file.getFileName().toString().split("[-.]")[1].split("x")[2]);
    }

    /** The outcome of a lookup. */
    sealed interface Lookup {
        /** The file holds the images. */
        record Hit(ImageSet images) implements Lookup {}

        /** There is no file yet. */
        record Absent() implements Lookup {}

        /** The file was made from other contents or settings. */
        record Stale() implements Lookup {}

        /** The file cannot be used; {@code reason} says why in a few words. */
        record Damaged(String reason) implements Lookup {}
    }

    /**
     * Reads {@code file} if it was made from contents with {@code digest} at this size and channel count. Never
     * throws for a bad file: that is a {@link Lookup.Damaged} lookup.
     */
    static Lookup read(Path file, byte[] digest, ImageSize size, int channels) {
        CRC32 crc = new CRC32();
        try (InputStream raw = Files.newInputStream(file);
                // The checksum sits above the buffer, so that it covers exactly the bytes read so far.
                DataInputStream in =
                        new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                return new Lookup.Damaged("not an image cache file");
            }
            if (in.readInt() != FORMAT_VERSION) {
                return new Lookup.Stale();
            }
            byte[] stored = new byte[digest.length];
            in.readFully(stored);
            if (!Arrays.equals(stored, digest)) {
                return new Lookup.Stale();
            }
            ImageSize storedSize = new ImageSize(in.readInt(), in.readInt());
            if (!storedSize.equals(size) || in.readInt() != channels) {
                return new Lookup.Stale();
            }
            in.readBoolean(); // the size was chosen from the data: see findChosenFromData
            in.readBoolean(); // the channels were
            int count = in.readInt();
            List<ImageSet.Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String relative = in.readUTF();
                int label = in.readInt();
                Part part = Part.values()[in.readByte()];
                ImageSize original = new ImageSize(in.readInt(), in.readInt());
                entries.add(new ImageSet.Entry(relative, label, part, original, in.readBoolean()));
            }
            int badCount = in.readInt();
            List<ImageSet.BadFile> bad = new ArrayList<>(badCount);
            for (int i = 0; i < badCount; i++) {
                bad.add(new ImageSet.BadFile(in.readUTF(), in.readUTF()));
            }
            int length = in.readInt();
            byte[] pixels = new byte[length];
            in.readFully(pixels);
            long expected = crc.getValue();
            long written = in.readLong();
            if (written != expected) {
                return new Lookup.Damaged("its checksum does not match its contents");
            }
            return new Lookup.Hit(new ImageSet(size, channels, entries, pixels, bad));
        } catch (NoSuchFileException e) {
            return new Lookup.Absent();
        } catch (EOFException e) {
            return new Lookup.Damaged("it ends too early");
        } catch (IOException | RuntimeException e) {
            return new Lookup.Damaged(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Writes {@code images} to {@code file} atomically, creating its folder. Throws IOException when the folder or
     * file cannot be written (a read-only folder, for example); nothing is left behind then.
     */
    static void write(Path file, byte[] digest, ImageSet images, boolean sizeChosen, boolean channelsChosen)
            throws IOException {
        AtomicFile.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.write(digest);
            out.writeInt(images.size().height());
            out.writeInt(images.size().width());
            out.writeInt(images.channels());
            out.writeBoolean(sizeChosen);
            out.writeBoolean(channelsChosen);
            out.writeInt(images.entries().size());
            for (ImageSet.Entry e : images.entries()) {
                out.writeUTF(e.relative());
                out.writeInt(e.label());
                out.writeByte(e.part().ordinal());
                out.writeInt(e.original().height());
                out.writeInt(e.original().width());
                out.writeBoolean(e.grey());
            }
            out.writeInt(images.bad().size());
            for (ImageSet.BadFile b : images.bad()) {
                out.writeUTF(b.relative());
                String reason = b.reason();
                out.writeUTF(reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason);
            }
            out.writeInt(images.pixels().length);
            out.write(images.pixels());
            out.writeLong(crc.getValue());
            out.flush();
        });
    }

    /** The SHA-256 of {@code bytes}. */
    static byte[] sha256(byte[] bytes) {
        return digest().digest(bytes);
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
