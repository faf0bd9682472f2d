package org.mltoolkit.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs a loop over the examples of a batch on several threads: the calling thread and {@code threads - 1} workers,
 * each taking one contiguous range of the examples. Meant for per-example work whose result does not depend on
 * which thread does it (an example's augmentation is drawn from the seed, the epoch and the example alone), so a
 * batch comes out the same whatever the thread count. Closing it stops the workers; with one thread there are none
 * and the loop runs on the caller.
 */
public final class ParallelExamples implements AutoCloseable {
    /** One thread: the loop runs on the caller, and closing does nothing. */
    public static final ParallelExamples SERIAL = new ParallelExamples(1);

    private final int threads;
    private final ExecutorService workers;

    private ParallelExamples(int threads) {
        this.threads = threads;
        this.workers = threads == 1
                ? null
                : Executors.newFixedThreadPool(threads - 1, task -> {
                    Thread t = new Thread(task, "batch-examples");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * A loop over {@code threads} threads ({@link #SERIAL} for one), which the caller closes. Throws
     * IllegalArgumentException when {@code threads} is below 1.
     */
    public static ParallelExamples of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == 1 ? SERIAL : new ParallelExamples(threads);
    }

    /** How many threads share a loop, the caller's included. */
    public int threads() {
        return threads;
    }

    /**
     * Calls {@code body} once for every example {@code 0 <= i < count}, in contiguous ranges on the threads, and
     * returns when every call has returned. {@code body} must be safe to call from several threads at once for
     * different examples. When a call throws, the other ranges still finish (they may write into memory the caller
     * reuses) before the first failure is rethrown: as it was for a RuntimeException or Error, wrapped in an
     * IllegalStateException otherwise.
     */
    public void forEach(int count, IntConsumer body) {
        int parts = Math.min(threads, count);
        if (parts <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        List<Future<?>> submitted = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            submitted.add(workers.submit(() -> {
                for (int i = from; i < to; i++) {
                    body.accept(i);
                }
            }));
        }
        Throwable failure = null;
        try {
            int to = count / parts;
            for (int i = 0; i < to; i++) {
                body.accept(i);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> f : submitted) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a batch's examples failed: " + failure, failure);
        }
    }

    /** Stops the workers (none for one thread); a loop running now finishes first. */
    @Override
    public void close() {
        if (workers != null) {
            workers.shutdown();
        }
    }
}
