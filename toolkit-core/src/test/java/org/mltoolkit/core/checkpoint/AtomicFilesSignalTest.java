package org.mltoolkit.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process ended by SIGTERM in the middle of an atomic write leaves neither the target nor a temporary file. */
class AtomicFilesSignalTest {
    private static final String WRITING = "writing";

    @TempDir
    Path dir;

    @Test
    void aSignalDuringAWriteLeavesNoHiddenTemporaryFile() throws IOException, InterruptedException {
        Path target = dir.resolve("last.ckpt");
        Files.writeString(target, "previous");
        Process writer = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        StalledWrite.class.getName(),
                        target.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals(WRITING, out.readLine());
            assertEquals(1, temporaries().size(), "the write is under way in a hidden temporary file");
            writer.destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertTrue(writer.waitFor(60, TimeUnit.SECONDS));
        } finally {
            writer.destroyForcibly();
        }
        assertEquals(List.of(), temporaries());
        assertEquals("previous", Files.readString(target), "the target keeps its previous content");
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
    }

    /** Starts an atomic write of {@code args[0]} that says so and then never finishes. */
    public static final class StalledWrite {
        public static void main(String[] args) {
            AtomicFiles.write(Path.of(args[0]), out -> {
                out.write(new byte[1 << 16]);
                out.flush();
                System.out.println(WRITING);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
