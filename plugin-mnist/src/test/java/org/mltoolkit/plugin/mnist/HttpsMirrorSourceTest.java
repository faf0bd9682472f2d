package org.mltoolkit.plugin.mnist;

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

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mirror/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/mirror/".length());
            byte[] body;
            try {
                body = Files.readAllBytes(IdxFixtures.path("gzipped/" + name));
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
        TestData.RecordingProgress progress = new TestData.RecordingProgress();
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of(mirror("/mirror/")));

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        for (FetchedFile file : fetched) {
            assertEquals(base + "/mirror/" + file.name() + ".gz", file.source());
            assertArrayEquals(
                    Files.readAllBytes(IdxFixtures.path("valid/" + file.name())), Files.readAllBytes(file.path()));
        }
        long gzippedTotal = Files.size(IdxFixtures.path("gzipped/train-images-idx3-ubyte.gz"));
        assertTrue(
                progress.events.contains("start download train-images-idx3-ubyte.gz " + gzippedTotal),
                progress.events.toString());
        long allGzipped = 0;
        for (String name : IdxFixtures.FILE_NAMES) {
            allGzipped += Files.size(IdxFixtures.path("gzipped/" + name + ".gz"));
        }
        assertEquals(allGzipped, progress.advanced);
        assertEquals(0, progress.open);
    }

    @Test
    void anHttpErrorFallsThroughToTheNextSource() {
        TestData.RecordingProgress progress = new TestData.RecordingProgress();
        MnistDataset mnist = new MnistDataset(
                TestData.fixtureChecksums(),
                List.of(mirror("/missing/"), new DirectorySource(IdxFixtures.path("valid"))));

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(
                IdxFixtures.path("valid/train-images-idx3-ubyte").toString(),
                fetched.get(0).source());
        assertTrue(
                progress.messages.contains("train-images-idx3-ubyte: mirror " + base + "/missing/ failed: HTTP 404 for "
                        + base + "/missing/train-images-idx3-ubyte.gz"),
                progress.messages.toString());
        // A 404 says nothing about the other files, so the mirror is asked for each of them.
        assertTrue(
                progress.messages.contains("t10k-labels-idx1-ubyte: mirror " + base + "/missing/ failed: HTTP 404 for "
                        + base + "/missing/t10k-labels-idx1-ubyte.gz"),
                progress.messages.toString());
    }

    @Test
    void contentThatIsNotGzipIsASourceFailure() throws IOException {
        FileSource.Session session = mirror("/plain/").open(new TestData.RecordingProgress());
        Path target = Files.createFile(dataDir.resolve("target"));
        IOException e = assertThrows(IOException.class, () -> session.copyTo("train-images-idx3-ubyte", target));
        assertEquals(base + "/plain/train-images-idx3-ubyte.gz is not gzip-compressed", e.getMessage());
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
        TestData.RecordingProgress progress = new TestData.RecordingProgress();
        MnistDataset mnist = new MnistDataset(
                TestData.fixtureChecksums(), List.of(unreachable, new DirectorySource(IdxFixtures.path("valid"))));

        mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        String first = progress.messages.get(1);
        assertTrue(
                first.startsWith("train-images-idx3-ubyte: " + unreachable.description() + " failed: cannot connect"),
                first);
        assertTrue(
                progress.messages.stream()
                        .anyMatch(m -> m.startsWith("t10k-labels-idx1-ubyte: " + unreachable.description()
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
