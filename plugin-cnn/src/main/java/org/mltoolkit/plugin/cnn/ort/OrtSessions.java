package org.mltoolkit.plugin.cnn.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ToolkitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions on the resolved device: all graph optimizations, a fixed number of intra-op
 * threads, the CUDA execution provider where the device is a GPU, ONNX Runtime's CPU arena (see {@link #open}).
 * Sessions are opened through the {@link NativeCallGuard}, as they must be run and closed.
 */
public final class OrtSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    private OrtSessions() {}

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Resolves the device the user asked for into the device the sessions will use: {@code cpu}, or
     * {@code cuda:N} when the CUDA execution provider loads. For {@code auto} without a usable GPU it logs one
     * warning (SLF4J; the command line prints it as one line) and returns {@code cpu}. Throws ToolkitException when {@code cuda:N} was asked
     * for and CUDA cannot be used.
     */
    public static Device resolve(Device requested) {
        if (requested.kind() == Device.Kind.CPU) {
            return Device.CPU;
        }
        int index = requested.kind() == Device.Kind.CUDA ? requested.index() : 0;
        try (SessionOptions options = new SessionOptions()) {
            options.addCUDA(index);
            return new Device(Device.Kind.CUDA, index);
        } catch (OrtException | RuntimeException e) {
            String reason = firstLine(e.getMessage());
            if (requested.kind() == Device.Kind.AUTO) {
                LOG.warn("no usable CUDA device ({}); running on cpu", reason);
                return Device.CPU;
            }
            throw new ToolkitException(
                    "device " + requested + " is not usable: the CUDA execution provider did not load (" + reason + ")",
                    e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        String line = message.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline).strip();
    }

    /**
     * Opens a session for a serialized model on {@code device} (already resolved) with {@code threads} intra-op
     * threads; when {@code profilePrefix} is not null ONNX Runtime writes a profile with that prefix. Throws
     * ToolkitException when ONNX Runtime rejects the model.
     *
     * <p>ONNX Runtime's CPU arena keeps every block a run used for the next run: runs repeat the same shapes and would
     * otherwise ask the C library for the same large blocks again each time (about twice a training step's time; the
     * second and third batches of an inference pass took twice as long). Memory patterns stay off: the arena already
     * reuses the blocks, and a pattern would reserve one more block per batch shape. The arena is given back only when
     * the session closes (or by a run with arena shrinkage), so sessions that alternate with others are kept short.
     */
    public static OrtSession open(byte[] model, Device device, int threads, String profilePrefix) {
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setCPUArenaAllocator(true);
            options.setMemoryPatternOptimization(false);
            if (profilePrefix != null) {
                options.enableProfiling(profilePrefix);
            }
            if (device.kind() == Device.Kind.CUDA) {
                options.addCUDA(device.index());
            }
            // Opening optimizes the graph in native code for a noticeable time: a shutdown waits for it.
            return NativeCallGuard.process().call(() -> environment().createSession(model, options));
        } catch (OrtException e) {
            throw new ToolkitException(
                    "ONNX Runtime could not open the model on " + device + ": " + firstLine(e.getMessage()), e);
        }
    }
}
