package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The row-splitting pool never leaves a chunk running once its caller goes on (and may free native memory). */
class ParallelGemmTest {
    private static final int ROWS = 4096;
    private static final int WIDTH = 64;

    @Test
    void aFailingChunkReturnsOnlyAfterEveryOtherChunkHasFinished() {
        AtomicInteger finished = new AtomicInteger();
        try (ParallelGemm gemm = new ParallelGemm(4)) {
            IllegalArgumentException failure = assertThrows(
                    IllegalArgumentException.class,
                    () -> gemm.forRows(ROWS, WIDTH, (r0, r1, chunk) -> {
                        if (chunk == 3) {
                            throw new IllegalArgumentException("the caller's chunk fails at once");
                        }
                        sleep(300);
                        finished.incrementAndGet();
                    }));
            assertEquals("the caller's chunk fails at once", failure.getMessage());
            assertEquals(3, finished.get(), "chunks still running when the failure reached the caller");
        }
    }

    @Test
    void aHelpersFailureIsReportedAfterTheOthersFinish() {
        AtomicInteger finished = new AtomicInteger();
        try (ParallelGemm gemm = new ParallelGemm(4)) {
            IllegalStateException failure = assertThrows(
                    IllegalStateException.class,
                    () -> gemm.forRows(ROWS, WIDTH, (r0, r1, chunk) -> {
                        if (chunk == 0) {
                            throw new IllegalArgumentException("a helper fails at once");
                        }
                        sleep(300);
                        finished.incrementAndGet();
                    }));
            assertEquals("a helper fails at once", failure.getCause().getMessage());
            assertEquals(3, finished.get(), "chunks still running when the failure reached the caller");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
