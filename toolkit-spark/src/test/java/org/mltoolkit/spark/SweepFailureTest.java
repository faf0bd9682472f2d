package org.mltoolkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.ToolkitException;

class SweepFailureTest {
    private static final Path DIR = Path.of("sweeps", "a");

    @Test
    void aSweepStoppedByASignalSaysHowToContinueIt() {
        SparkException cancelled = new SparkException("Job 0 cancelled because SparkContext was shut down");

        ToolkitException e = Sweep.failure(cancelled, "local[*]", DIR, true);

        assertEquals(
                "the sweep in " + DIR + " was stopped before its runs finished; 'toolkit sweep --resume " + DIR
                        + "' continues it",
                e.getMessage());
        assertSame(cancelled, e.getCause());
    }

    @Test
    void otherSparkFailuresKeepSparksMessageAndTheMaster() {
        SparkException refused = new SparkException("Could not parse Master URL: 'spark:/x'");

        ToolkitException e = Sweep.failure(refused, "spark:/x", DIR, false);

        assertEquals("Spark (master spark:/x): Could not parse Master URL: 'spark:/x'", e.getMessage());
        assertSame(refused, e.getCause());
    }
}
