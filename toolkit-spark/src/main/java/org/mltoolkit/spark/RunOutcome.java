package org.mltoolkit.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What became of one run of a sweep, as its task reports it to the driver.
 *
 * @param name          the run's name, which is also its directory's name under the sweep's directory
 * @param settings      the run's grid settings and seed
 * @param status        {@link #FINISHED} or {@link #FAILED}
 * @param error         the run's one-line error when it failed, else null
 * @param origin        how the task found the run: {@code new}, {@code resumed} (from its last checkpoint) or
 *                      {@code done} (finished before, so only its summary was read)
 * @param bestEpoch     the best epoch, or null when the run failed
 * @param bestValidLoss the best validation loss, or null when the run failed
 * @param testLoss      the best weights' test loss, or null when the run failed
 * @param testAccuracy  the best weights' test accuracy, or null when the run failed
 * @param trainSeconds  the seconds of the run's training loops, or null when the run failed
 */
public record RunOutcome(
        String name,
        Map<String, String> settings,
        String status,
        String error,
        String origin,
        Integer bestEpoch,
        Double bestValidLoss,
        Double testLoss,
        Double testAccuracy,
        Double trainSeconds)
        implements Serializable {
    /** The status of a run with a {@code summary.json}. */
    public static final String FINISHED = "finished";
    /** The status of a run whose {@code train} command failed. */
    public static final String FAILED = "failed";

    /** A run that failed with {@code error}. */
    static RunOutcome failed(SweepPlan.Run run, String origin, String error) {
        return new RunOutcome(run.name(), run.settings(), FAILED, error, origin, null, null, null, null, null);
    }

    /** True when the run finished. */
    public boolean finished() {
        return FINISHED.equals(status);
    }
}
