package org.mltoolkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.core.run.TrainingResult;

/**
 * The page as a browser draws it: headless Chromium takes a screenshot of an ended run's page, which must show
 * something (many colours, a good share of non-white pixels). Runs where a Chromium is on the PATH (Debian's
 * {@code chromium}, which the CI script installs when it can); skipped with a message elsewhere.
 */
class ReportScreenshotTest {
    /** The names Chromium's executable has in distributions, in order of preference. */
    private static final List<String> CHROMIUM_NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 1800;

    @TempDir
    Path temp;

    /** The first Chromium executable on the PATH, if any. */
    static Optional<Path> chromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return CHROMIUM_NAMES.stream()
                .flatMap(name -> Stream.of(path.split(File.pathSeparator))
                        .filter(dir -> !dir.isEmpty())
                        .map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Test
    void theEndedRunsPageRendersInHeadlessChromium() throws IOException, InterruptedException {
        Optional<Path> chromium = chromium();
        assumeTrue(
                chromium.isPresent(),
                "skipped: no Chromium on the PATH (looked for " + String.join(", ", CHROMIUM_NAMES)
                        + "); install Debian's chromium to render the report page");
        Path runDir = temp.resolve("run");
        TrainingResult result = RunReportTest.train(runDir, "softmax", Map.of(), 3);
        Path page = RunReport.builder()
                .run(RunSnapshot.read(runDir))
                .test(RunReportTest.evaluate(result))
                .provenance(Provenance.withoutData("test", "synthetic data has no files"))
                .build()
                .write(runDir.resolve("report"));

        Path screenshot = temp.resolve("page.png");
        Path log = temp.resolve("chromium.log");
        Process process = new ProcessBuilder(
                        chromium.get().toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--user-data-dir=" + temp.resolve("profile"),
                        "--screenshot=" + screenshot,
                        "--window-size=" + WIDTH + "," + HEIGHT,
                        page.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium took more than 3 minutes: " + Files.readString(log));
        }
        assertEquals(0, process.exitValue(), Files.readString(log));

        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertNotNull(image, "Chromium wrote no PNG: " + Files.readString(log));
        assertEquals(WIDTH, image.getWidth());
        Set<Integer> colours = new HashSet<>();
        long drawn = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) {
                    drawn++;
                }
            }
        }
        double share = (double) drawn / ((long) image.getWidth() * image.getHeight());
        assertTrue(colours.size() >= 64, "a blank page: " + colours.size() + " colours");
        assertTrue(share > 0.02, "a blank page: " + share + " of the pixels are not white");
    }
}
