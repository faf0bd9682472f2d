package org.mltoolkit.plugin.cnn.ort;

import ai.onnxruntime.OrtException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Keeps the process from exiting while a thread is inside ONNX Runtime. ONNX Runtime's Java binding registers a
 * shutdown hook that releases its native environment, and the JVM runs all shutdown hooks at the same time and then
 * exits, running the native library's static destructors: a thread still inside a session's creation or run when the
 * process is ended (SIGTERM, Ctrl-C, SIGHUP) then reads freed memory and the JVM dies of SIGSEGV, leaving an {@code
 * hs_err_pid<N>.log} in the working directory. So every native call of the plugin that can last (opening, running
 * and closing a session) goes through {@link #call}: calls take a shared lock, so concurrent sessions still run in
 * parallel, and a stop takes the exclusive lock, waiting up to {@link #SHUTDOWN_WAIT} for the calls in flight to
 * return, and keeps it, so that no call starts while the process exits; a call that arrives later waits, without
 * starting, until the process is gone. The stop has to come before the shutdown hooks start: the guard's handler of
 * SIGTERM, SIGINT and SIGHUP stops the calls and then hands the signal to the handler it replaced (the JVM's, which
 * exits with 128 plus the signal's number). A shutdown hook stops them too, for an exit that comes another way.
 */
public final class NativeCallGuard {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCallGuard.class);
    /** How long the shutdown waits for the calls in flight (a training step takes well under a second to minutes). */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    /** A native call that returns a value and may fail with ONNX Runtime's exception. */
    @FunctionalInterface
    public interface NativeCall<T> {
        T call() throws OrtException;
    }

    /** A native call without a result that may fail with ONNX Runtime's exception. */
    @FunctionalInterface
    public interface NativeAction {
        void run() throws OrtException;
    }

    /** The guard of this process's ONNX Runtime calls; its signal handlers and shutdown hook are set up here. */
    private static final NativeCallGuard PROCESS = new NativeCallGuard();

    static {
        for (String signal : List.of("TERM", "INT", "HUP")) {
            PROCESS.stopOnSignal(signal);
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> PROCESS.stopCalls(SHUTDOWN_WAIT), "onnx-runtime-shutdown"));
    }

    /** Not fair: a waiting shutdown still stops new calls, and the uncontended shared lock stays cheap. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Whether {@link #stopCalls} holds (or gave up waiting for) the exclusive lock: a second stop returns at once. */
    private final AtomicBoolean stopping = new AtomicBoolean();

    NativeCallGuard() {}

    /** The guard every ONNX Runtime call of this process goes through. */
    public static NativeCallGuard process() {
        return PROCESS;
    }

    /**
     * Runs {@code call} unless the process is exiting, and returns its result. Calls from several threads run at
     * the same time; a call made after {@link #stopCalls} began waits (ignoring interrupts) until the process ends,
     * without starting. Throws what {@code call} throws.
     */
    public <T> T call(NativeCall<T> call) throws OrtException {
        lock.readLock().lock();
        try {
            return call.call();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code action} as {@link #call(NativeCall)} runs a call; throws what {@code action} throws. */
    public void run(NativeAction action) throws OrtException {
        call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Stops calls for good: waits up to {@code wait} for the calls in flight to return and from then on lets none
     * start (the exclusive lock is never given back). Returns false, after logging a warning, when calls were still
     * running after {@code wait} (the process then exits under them) or the wait was interrupted. A second stop, from
     * the shutdown hook after the signal handler's, returns true at once without waiting.
     */
    boolean stopCalls(Duration wait) {
        if (!stopping.compareAndSet(false, true)) {
            return true;
        }
        try {
            if (lock.writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn(
                    "an ONNX Runtime call was still running {} s after the shutdown began; exiting anyway",
                    wait.toMillis() / 1000.0);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Has the signal {@code name} stop this guard's calls before it reaches the handler it had (normally the JVM's,
     * which runs the shutdown hooks and exits). Changes nothing when the JVM does not hand that signal to Java (it
     * was started with {@code -Xrs}, or the platform has no such signal) or when the signal is ignored (SIGINT of a
     * job started in the background) or left to its default action.
     */
    private void stopOnSignal(String name) {
        try {
            Signal signal = new Signal(name);
            ChainedHandler handler = new ChainedHandler();
            SignalHandler previous = Signal.handle(signal, handler);
            if (previous == SignalHandler.SIG_IGN || previous == SignalHandler.SIG_DFL) {
                Signal.handle(signal, previous);
            } else {
                handler.previous = previous;
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("signal {} stays as it was: {}", name, e.getMessage());
        }
    }

    /** Stops the calls, then passes the signal on to the handler it replaced. */
    private final class ChainedHandler implements SignalHandler {
        private volatile SignalHandler previous;

        @Override
        public void handle(Signal signal) {
            stopCalls(SHUTDOWN_WAIT);
            SignalHandler next = previous;
            if (next != null) {
                next.handle(signal);
            } else {
                System.exit(128 + signal.getNumber());
            }
        }
    }
}
