package org.mltoolkit.plugin.cnn.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The guard's contract with a shutdown: a call in flight holds the shutdown back until it returns, a call made after
 * the shutdown began never starts, calls of several threads run at the same time, and the shutdown's wait is
 * bounded. Each guard here is a fresh one, not the process's; the threads a test leaves waiting are daemons.
 */
class NativeCallGuardTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void aCallInFlightDelaysTheShutdownUntilItReturns() throws Exception {
        NativeCallGuard guard = new NativeCallGuard();
        CountDownLatch mayReturn = new CountDownLatch(1);
        Thread caller = callInFlight(guard, mayReturn);

        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> guard.stopCalls(LONG));
        Thread.sleep(300);
        assertFalse(shutdown.isDone(), "the shutdown waits while the call runs");

        mayReturn.countDown();
        assertTrue(shutdown.get(10, TimeUnit.SECONDS), "the shutdown goes on once the call returned");
        caller.join(10_000);
        assertFalse(caller.isAlive(), "the call in flight returned normally");
    }

    @Test
    void aCallAfterTheShutdownDoesNotStart() throws Exception {
        NativeCallGuard guard = new NativeCallGuard();
        assertTrue(guard.stopCalls(LONG), "nothing in flight: the shutdown does not wait");

        AtomicBoolean started = new AtomicBoolean();
        Thread late = daemon(() -> guard.run(() -> started.set(true)));
        awaitWaiting(late);
        late.interrupt();
        Thread.sleep(200);
        assertEquals(Thread.State.WAITING, late.getState(), "an interrupt does not let the call through");
        assertFalse(started.get(), "no call starts once the shutdown began");
    }

    @Test
    void aCallWaitingBehindTheShutdownDoesNotStartWhenTheCallInFlightReturns() throws Exception {
        NativeCallGuard guard = new NativeCallGuard();
        CountDownLatch mayReturn = new CountDownLatch(1);
        callInFlight(guard, mayReturn);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> guard.stopCalls(LONG));
        Thread.sleep(200);

        AtomicBoolean started = new AtomicBoolean();
        Thread next = daemon(() -> guard.run(() -> started.set(true)));
        awaitWaiting(next);
        mayReturn.countDown();
        assertTrue(shutdown.get(10, TimeUnit.SECONDS));
        Thread.sleep(200);
        assertFalse(started.get(), "the next step does not start once a shutdown is waiting");
    }

    @Test
    void callsOfSeveralThreadsRunAtTheSameTime() throws Exception {
        NativeCallGuard guard = new NativeCallGuard();
        CountDownLatch bothInside = new CountDownLatch(2);
        AtomicBoolean overlapped = new AtomicBoolean(true);
        Thread[] callers = new Thread[2];
        for (int i = 0; i < 2; i++) {
            callers[i] = daemon(() -> guard.call(() -> {
                bothInside.countDown();
                if (!awaitQuietly(bothInside, 10)) {
                    overlapped.set(false);
                }
                return null;
            }));
        }
        for (Thread caller : callers) {
            caller.join(20_000);
        }
        assertTrue(overlapped.get(), "both calls were inside the guard together");
    }

    @Test
    void theShutdownWaitsOnlyAsLongAsItWasTold() throws Exception {
        NativeCallGuard guard = new NativeCallGuard();
        callInFlight(guard, new CountDownLatch(1)); // a call that does not return in time
        long start = System.nanoTime();
        assertFalse(guard.stopCalls(Duration.ofMillis(200)), "the call did not return in time");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the wait ended after its bound");
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    /**
     * Starts a call through {@code guard} on a daemon thread that returns once {@code mayReturn} opens (or after a
     * minute), and waits until the call is inside the guard; returns the thread.
     */
    private static Thread callInFlight(NativeCallGuard guard, CountDownLatch mayReturn) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        Thread caller = daemon(() -> guard.call(() -> {
            inside.countDown();
            awaitQuietly(mayReturn, 60);
            return null;
        }));
        assertTrue(inside.await(10, TimeUnit.SECONDS), "the call started");
        return caller;
    }

    /** Starts {@code body} on a daemon thread (ignoring what it throws) and returns the thread. */
    private static Thread daemon(Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                // the test looks at what the body did, not at how it ended
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits up to {@code seconds} for {@code latch}; returns whether it opened (false when interrupted too). */
    private static boolean awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            return latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until {@code thread} parks (on the guard's lock). */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Thread.State.WAITING, thread.getState(), "the call waits on the guard");
    }
}
