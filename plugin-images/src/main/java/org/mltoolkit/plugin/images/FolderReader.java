package org.mltoolkit.plugin.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.plugin.images.FolderScan.ImageFile;

/**
 * Reads the image files of a scanned folder: first every file's bytes for the digest of the contents (and, when the
 * size or the channels are to be chosen from the data, each header), then, unless the cache already holds them, the
 * pixels, decoded and resized on a few threads.
 */
final class FolderReader {
    private FolderReader() {}

    /**
     * What reading every file once found.
     *
     * @param digest  the SHA-256 of the folder's contents: every image's path, class, split and content
     * @param headers each file's header, or null where it was not read or could not be
     * @param bad     the reason each unreadable file failed, by index, or null
     */
    record Inspection(byte[] digest, ImageCodec.Header[] headers, String[] bad) {
        /**
         * The most common size among the readable headers, ties going to the larger image. Throws
         * DataFormatException naming the folder when no file is readable.
         */
        ImageSize mostCommonSize(FolderScan scan) {
            return sizeCounts().entrySet().stream()
                    .max(Comparator.<Map.Entry<ImageSize, Integer>>comparingInt(Map.Entry::getValue)
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                    .map(Map.Entry::getKey)
                    .orElseThrow(() -> new DataFormatException(scan.root(), "holds no readable image"));
        }

        /** True when every readable file is grey. */
        boolean allGrey() {
            for (ImageCodec.Header header : headers) {
                if (header != null && !header.grey()) {
                    return false;
                }
            }
            return true;
        }

        private Map<ImageSize, Integer> sizeCounts() {
            Map<ImageSize, Integer> counts = new TreeMap<>();
            for (ImageCodec.Header header : headers) {
                if (header != null) {
                    counts.merge(header.size(), 1, Integer::sum);
                }
            }
            return counts;
        }
    }

    /**
     * Reads every file once: its SHA-256 and, when {@code readHeaders}, its header. A file that cannot be read (no
     * permission, an I/O error) is noted as bad like one that cannot be decoded.
     */
    static Inspection inspect(FolderScan scan, boolean readHeaders, ProgressListener progress) {
        List<ImageFile> files = scan.files();
        byte[][] hashes = new byte[files.size()][];
        ImageCodec.Header[] headers = new ImageCodec.Header[files.size()];
        String[] bad = new String[files.size()];
        ParallelWork.forEach(files.size(), "reading images", progress, i -> {
            byte[] content;
            try {
                content = Files.readAllBytes(files.get(i).path());
            } catch (IOException e) {
                bad[i] = cannotRead(e);
                hashes[i] = ImageCache.sha256(bad[i].getBytes(StandardCharsets.UTF_8));
                return;
            }
            hashes[i] = ImageCache.sha256(content);
            if (readHeaders) {
                try {
                    headers[i] = ImageCodec.header(content);
                } catch (ImageCodec.BadImageException e) {
                    bad[i] = e.getMessage();
                }
            }
        });
        MessageDigest digest = ImageCache.digest();
        digest.update(
                ("images v" + ImageCache.FORMAT_VERSION + " " + scan.layout() + "\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < files.size(); i++) {
            ImageFile file = files.get(i);
            digest.update((file.relative() + "\0" + file.label() + "\0" + file.part() + "\0")
                    .getBytes(StandardCharsets.UTF_8));
            digest.update(hashes[i]);
        }
        return new Inspection(digest.digest(), headers, bad);
    }

    /**
     * Decodes every file not already known to be bad, converts it to {@code channels} channels and resizes it to
     * {@code size}. Files that fail are listed in the result with their reason, whatever {@code skip-bad} says: the
     * caller decides. Throws DataFormatException naming the folder when the pixels would not fit in one array.
     */
    static ImageSet decode(
            FolderScan scan, Inspection inspection, ImageSize size, int channels, ProgressListener progress) {
        List<ImageFile> files = scan.files();
        long imageBytes = (long) channels * size.pixels();
        if (imageBytes * files.size() > Integer.MAX_VALUE - 16) {
            throw new DataFormatException(
                    scan.root(),
                    files.size() + " images of " + channels + "x" + size + " do not fit in memory as one dataset ("
                            + imageBytes * files.size() / (1 << 20) + " MiB of pixels, at most 2 GiB); choose a"
                            + " smaller size=HxW");
        }
        byte[] pixels = new byte[(int) (imageBytes * files.size())];
        ImageSet.Entry[] entries = new ImageSet.Entry[files.size()];
        String[] bad = inspection.bad().clone();
        ParallelWork.forEach(files.size(), "decoding images", progress, i -> {
            if (bad[i] != null) {
                return;
            }
            ImageFile file = files.get(i);
            try {
                ImageCodec.Planes planes = ImageCodec.decode(Files.readAllBytes(file.path()), channels);
                int plane = (int) size.pixels();
                int offset = (int) (i * imageBytes);
                for (int c = 0; c < channels; c++) {
                    float[] resized = Resampler.resize(planes.channels()[c], planes.size(), size);
                    for (int p = 0; p < plane; p++) {
                        pixels[offset + c * plane + p] = (byte) Math.round(Math.max(0f, Math.min(255f, resized[p])));
                    }
                }
                entries[i] =
                        new ImageSet.Entry(file.relative(), file.label(), file.part(), planes.size(), planes.grey());
            } catch (ImageCodec.BadImageException e) {
                bad[i] = e.getMessage();
            } catch (IOException e) {
                bad[i] = cannotRead(e);
            }
        });
        // Close the gaps the bad files left.
        List<ImageSet.Entry> decoded = new ArrayList<>();
        List<ImageSet.BadFile> failed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (bad[i] != null) {
                failed.add(new ImageSet.BadFile(files.get(i).relative(), bad[i]));
            } else {
                if (decoded.size() != i) {
                    System.arraycopy(pixels, (int) (i * imageBytes), pixels, (int) (decoded.size() * imageBytes), (int)
                            imageBytes);
                }
                decoded.add(entries[i]);
            }
        }
        byte[] kept = decoded.size() == files.size()
                ? pixels
                : java.util.Arrays.copyOf(pixels, (int) (decoded.size() * imageBytes));
        return new ImageSet(size, channels, decoded, kept, failed);
    }

    private static String cannotRead(IOException e) {
        String what = e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
        return "cannot read the file: " + what;
    }
}
