package org.mltoolkit.plugin.support.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the entries of an uncompressed tar stream (POSIX ustar, with the pax and GNU long-name extensions
 * that npm's and GNU's tar write). It hands every regular file to a handler and skips everything else;
 * it never writes anything itself.
 */
final class TarReader {
    private static final int BLOCK = 512;
    /** The most a long-name or pax entry may declare; they are read into memory. */
    static final int MAX_METADATA_BYTES = 1 << 20;

    /** Receives the regular files of an archive. */
    interface FileHandler {
        /**
         * Called once per regular file. {@code content} holds exactly that file's {@code size} bytes; the
         * handler may read any part of it and must not close it.
         */
        void file(String name, long size, InputStream content) throws IOException;
    }

    private TarReader() {}

    /**
     * Reads {@code tar} to its end-of-archive marker and passes each regular file to {@code handler}. It does
     * not close {@code tar}. Throws IOException for a truncated archive or a header whose checksum is wrong.
     */
    static void forEachFile(InputStream tar, FileHandler handler) throws IOException {
        String longName = null;
        Map<String, String> paxHeaders = Map.of();
        for (int index = 0; ; index++) {
            byte[] header = tar.readNBytes(BLOCK);
            if (header.length == 0 || isZeroBlock(header)) {
                return;
            }
            if (header.length < BLOCK) {
                throw new IOException(
                        "truncated tar archive: header " + index + " has only " + header.length + " bytes");
            }
            checkChecksum(header, index);
            long size = parseNumber(header, 124, 12, index);
            if (size < 0) {
                throw new IOException("corrupt tar archive: header " + index + " declares a size of " + size);
            }
            byte type = header[156];
            BoundedInputStream content = new BoundedInputStream(tar, size);
            switch (type) {
                case 'L' ->
                    longName = trimNul(new String(metadata(content, size, "long name", index), StandardCharsets.UTF_8));
                case 'x' -> paxHeaders = parsePax(metadata(content, size, "pax header", index), index);
                case '0', 0, '7' -> {
                    String name = paxHeaders.getOrDefault("path", longName != null ? longName : headerName(header));
                    handler.file(name, size, content);
                    longName = null;
                    paxHeaders = Map.of();
                }
                default -> {
                    // Directories, links and global headers carry nothing we read.
                    longName = null;
                    paxHeaders = Map.of();
                }
            }
            content.skipRest(index);
            long padding = (BLOCK - size % BLOCK) % BLOCK;
            skipFully(tar, padding, index);
        }
    }

    /**
     * The bytes of a long-name or pax entry, which are read into memory: refused when the header declares more than
     * {@link #MAX_METADATA_BYTES}, so that a crafted size cannot make the reader allocate (a name or a set of pax
     * records is a few hundred bytes; Linux paths end at 4 KiB).
     */
    private static byte[] metadata(InputStream content, long size, String kind, int index) throws IOException {
        if (size > MAX_METADATA_BYTES) {
            throw new IOException("corrupt tar archive: the " + kind + " of entry " + index + " declares " + size
                    + " bytes, more than the " + MAX_METADATA_BYTES + " such an entry may hold");
        }
        return content.readAllBytes();
    }

    private static String headerName(byte[] header) {
        String name = field(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? field(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static Map<String, String> parsePax(byte[] data, int index) throws IOException {
        // Records are "LENGTH KEY=VALUE\n", LENGTH counting the whole record in bytes.
        Map<String, String> values = new HashMap<>();
        int position = 0;
        while (position < data.length) {
            int space = position;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, position, space - position, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("corrupt tar archive: bad pax record length in entry " + index, e);
            }
            if (length <= space - position || position + length > data.length) {
                throw new IOException("corrupt tar archive: pax record overruns entry " + index);
            }
            String record = new String(data, space + 1, position + length - space - 2, StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            if (equals > 0) {
                values.put(record.substring(0, equals), record.substring(equals + 1));
            }
            position += length;
        }
        return values;
    }

    private static void checkChecksum(byte[] header, int index) throws IOException {
        long stored = parseNumber(header, 148, 8, index);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != stored) {
            throw new IOException("corrupt tar archive: header " + index + " has checksum " + stored
                    + " but its bytes sum to " + sum);
        }
    }

    private static long parseNumber(byte[] header, int offset, int length, int index) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            // GNU base-256: the remaining bits, big-endian.
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String text = field(header, offset, length).trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new IOException(
                    "corrupt tar archive: header " + index + " has the non-octal number '" + text + "'", e);
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String trimNul(String text) {
        int nul = text.indexOf('\0');
        return nul < 0 ? text : text.substring(0, nul);
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void skipFully(InputStream in, long count, int index) throws IOException {
        long remaining = count;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("truncated tar archive in entry " + index);
                }
                skipped = 1;
            }
            remaining -= skipped;
        }
    }

    /** A view of the next {@code limit} bytes of a stream; closing it does not close the stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int value = in.read();
            if (value >= 0) {
                remaining--;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int count = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (count > 0) {
                remaining -= count;
            }
            return count;
        }

        @Override
        public void close() {
            // The archive stream stays open for the next entry.
        }

        void skipRest(int index) throws IOException {
            skipFully(in, remaining, index);
            remaining = 0;
        }
    }
}
