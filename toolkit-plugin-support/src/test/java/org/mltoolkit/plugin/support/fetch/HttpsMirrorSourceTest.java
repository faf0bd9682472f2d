package org.mltoolkit.plugin.support.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;

/**
 * Downloads from a web server on the loopback interface, which stands in for a mirror (plain HTTP: the
 * code path is the same as for HTTPS). No traffic leaves the machine.
 */
class HttpsMirrorSourceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    private HttpServer server;
    private String base;
    private Path served;

    @BeforeEach
    void startServer() throws IOException {
        served = TestFiles.gzipped(dataDir.resolve("served"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mirror/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/mirror/".length());
            byte[] body;
            try {
                body = Files.readAllBytes(served.resolve(name));
            } catch (IllegalArgumentException | IOException e) {
                body = null;
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.createContext("/plain/", exchange -> {
            byte[] body = "<html>not here</html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            exchange.close();
        });
        server.start();
        base = "http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void downloadsGunzipsVerifiesAndReportsProgress() throws IOException {
        TestFiles.RecordingProgress progress = new TestFiles.RecordingProgress();
        DatasetFetcher digits = new DatasetFetcher("digits", TestFiles.expected(), List.of(mirror("/mirror/")));

        List<FetchedFile> fetched = digits.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        for (FetchedFile file : fetched) {
            assertEquals(base + "/mirror/" + file.name() + ".gz", file.source());
            assertArrayEquals(TestFiles.content(file.name()), Files.readAllBytes(file.path()));
        }
        long gzippedTotal = Files.size(served.resolve("alpha.bin.gz"));
        assertTrue(progress.events.contains("start download alpha.bin.gz " + gzippedTotal), progress.events.toString());
        long allGzipped = 0;
        for (String name : TestFiles.NAMES) {
            allGzipped += Files.size(served.resolve(name + ".gz"));
        }
        assertEquals(allGzipped, progress.advanced);
        assertEquals(0, progress.open);
    }

    @Test
    void anHttpErrorFallsThroughToTheNextSource() {
        TestFiles.RecordingProgress progress = new TestFiles.RecordingProgress();
        Path plain = TestFiles.plain(dataDir.resolve("plain"));
        DatasetFetcher digits = new DatasetFetcher(
                "digits", TestFiles.expected(), List.of(mirror("/missing/"), new DirectorySource(plain)));

        List<FetchedFile> fetched = digits.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(plain.resolve("alpha.bin").toString(), fetched.get(0).source());
        assertTrue(
                progress.messages.contains("alpha.bin: mirror " + base + "/missing/ failed: HTTP 404 for " + base
                        + "/missing/alpha.bin.gz"),
                progress.messages.toString());
        // A 404 says nothing about the other files, so the mirror is asked for each of them.
        assertTrue(
                progress.messages.contains("gamma.bin: mirror " + base + "/missing/ failed: HTTP 404 for " + base
                        + "/missing/gamma.bin.gz"),
                progress.messages.toString());
    }

    @Test
    void contentThatIsNotGzipIsASourceFailure() throws IOException {
        FileSource.Session session = mirror("/plain/").open(new TestFiles.RecordingProgress());
        Path target = Files.createFile(dataDir.resolve("target"));
        IOException e = assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("alpha.bin"), target));
        assertEquals(base + "/plain/alpha.bin.gz is not gzip-compressed", e.getMessage());
    }

    @Test
    void aDownloadThatDecompressesPastWhatTheFileCanHoldStopsThere() throws IOException {
        Files.write(served.resolve("alpha.bin.gz"), TestFiles.gzippedZeros(64L << 20));
        FileSource.Session session = mirror("/mirror/").open(new TestFiles.RecordingProgress());
        Path target = Files.createFile(dataDir.resolve("target"));

        IOException e = assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("alpha.bin"), target));

        assertEquals(
                base + "/mirror/alpha.bin.gz decompresses to more than the 4096 bytes alpha.bin can hold; refused"
                        + " before writing beyond them",
                e.getMessage());
        assertTrue(Files.size(target) <= TestFiles.MAX_BYTES, "wrote " + Files.size(target) + " bytes");
    }

    @Test
    void anUnreachableMirrorIsSkippedForTheRestOfTheFetch() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HttpsMirrorSource unreachable = new HttpsMirrorSource(
                URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + closedPort + "/"),
                TIMEOUT);
        TestFiles.RecordingProgress progress = new TestFiles.RecordingProgress();
        DatasetFetcher digits = new DatasetFetcher(
                "digits",
                TestFiles.expected(),
                List.of(unreachable, new DirectorySource(TestFiles.plain(dataDir.resolve("plain")))));

        digits.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        String first = progress.messages.get(1);
        assertTrue(first.startsWith("alpha.bin: " + unreachable.description() + " failed: cannot connect"), first);
        assertTrue(
                progress.messages.stream()
                        .anyMatch(m -> m.startsWith("gamma.bin: " + unreachable.description()
                                + " failed: skipped: unreachable earlier in this fetch (cannot connect")),
                progress.messages.toString());
    }

    @Test
    void aBaseMustBeADirectory() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new HttpsMirrorSource(URI.create("https://example.org/mnist"), TIMEOUT));
        assertEquals("a mirror's base must end in '/': https://example.org/mnist", e.getMessage());
    }

    private HttpsMirrorSource mirror(String path) {
        return new HttpsMirrorSource(URI.create(base + path), TIMEOUT);
    }
}
