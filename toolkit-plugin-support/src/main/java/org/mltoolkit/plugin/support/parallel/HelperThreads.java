package org.mltoolkit.plugin.support.parallel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of daemon helper threads for work split into chunks that write into memory the caller owns (native
 * buffers among them). Nothing handed to a helper outlives the call that handed it over or the pool itself: {@link
 * #awaitAll(Future[], int, String)} waits for every chunk, failed or not, before it reports a failure, and {@link
 * #close()} waits for running tasks before it returns, so that the caller may free the memory afterwards.
 */
public final class HelperThreads implements AutoCloseable {
    private final ExecutorService pool;

    /** {@code count} daemon threads named {@code name}; throws IllegalArgumentException when count is below 1. */
    public HelperThreads(int count, String name) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least 1 helper thread, got " + count);
        }
        this.pool = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands {@code work} to a helper. */
    public Future<?> submit(Runnable work) {
        return pool.submit(work);
    }

    /**
     * Waits, uninterruptibly, for the first {@code count} of {@code pending} and clears them. Then throws
     * IllegalStateException "{@code what} failed" with the first chunk's failure as its cause, or "interrupted during
     * {@code what}" when the waiting thread was interrupted (its interrupt stays set).
     */
    public static void awaitAll(Future<?>[] pending, int count, String what) {
        RuntimeException failure = null;
        boolean interrupted = false;
        for (int c = 0; c < count; c++) {
            while (true) {
                try {
                    pending[c].get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new IllegalStateException(what + " failed", e.getCause());
                    }
                    break;
                }
            }
            pending[c] = null;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (failure == null) {
                failure = new IllegalStateException("interrupted during " + what);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops the threads after waiting, uninterruptibly, for any task still running. */
    @Override
    public void close() {
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
