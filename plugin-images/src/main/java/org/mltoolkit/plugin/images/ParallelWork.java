package org.mltoolkit.plugin.images;

import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

/**
 * Runs one task per index on a few threads and reports each finished task to a progress listener, which is only
 * ever called from the caller's thread. Tasks must write to disjoint places.
 */
final class ParallelWork {
    private ParallelWork() {}

    /** The number of threads: one per core, at most eight (decoding is memory-bound beyond that). */
    static int threads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Runs {@code task} for every index in {@code [0, count)} and returns when all have finished. An exception a task
     * throws is rethrown here (a ToolkitException as it is, anything else wrapped) after the other tasks are cancelled.
     */
    static void forEach(int count, String what, ProgressListener progress, IntConsumer task) {
        if (count == 0) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads(), count), runnable -> {
            Thread thread = new Thread(runnable, "images-" + what.replace(' ', '-'));
            thread.setDaemon(true);
            return thread;
        });
        progress.start(what, count, "images");
        try {
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < count; i++) {
                int index = i;
                done.submit(() -> task.accept(index), null);
            }
            for (int i = 0; i < count; i++) {
                done.take().get();
                progress.advance(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolkitException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ToolkitException toolkit) {
                throw toolkit;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new ToolkitException(what + " failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
    }
}
