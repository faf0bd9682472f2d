package org.mltoolkit.plugin.cnn;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.ForwardNetwork;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;
import org.mltoolkit.plugin.cnn.ort.NativeBuffers;
import org.mltoolkit.plugin.cnn.ort.NativeCallGuard;
import org.mltoolkit.plugin.cnn.ort.OrtSessions;

/**
 * A network whose forward ONNX graph is the single source of truth (the {@code cnn} model's own graph or a user's
 * file, model {@code onnx}), with its state (parameters and BatchNorm running statistics) held in direct native
 * buffers that trainers update in place. Inference runs the network's inference graph with the current state baked
 * in as initializers; the session is rebuilt lazily after the state changed. Inputs pass through the network's
 * {@link Preprocessing} first. Not thread-safe.
 */
public final class CnnModel implements Model, OnnxExportable {
    private final String name;
    private final ForwardNetwork network;
    private final Preprocessing preprocessing;
    private Map<String, String> rebuildOptions = Map.of();
    private final Device device;
    private final int threads;
    private final int numClasses;
    private final Map<String, FloatBuffer> state = new LinkedHashMap<>();
    private OrtSession inferenceSession;
    private long stateVersion;
    private long sessionVersion = -1;
    private FloatBuffer inputBuffer;
    /** What the open trainer runs to give its working memory back before an inference pass; null without one. */
    private Runnable releaseTrainingMemory;

    CnnModel(
            String name,
            ForwardNetwork network,
            Preprocessing preprocessing,
            Device device,
            int threads,
            int numClasses) {
        this.name = name;
        this.network = network;
        this.preprocessing = preprocessing;
        this.device = device;
        this.threads = threads;
        this.numClasses = numClasses;
        for (ParameterSpec p : network.state()) {
            float[] values = network.initialState().get(p.name());
            FloatBuffer buffer = NativeBuffers.floats(values.length);
            buffer.put(0, values);
            state.put(p.name(), buffer);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return device.toString();
    }

    /** The resolved device sessions of this model run on. */
    public Device resolvedDevice() {
        return device;
    }

    /** Intra-op threads for every session of this model. */
    public int threads() {
        return threads;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The network's graphs (their initializers hold the initial state, not the current one) and state order. */
    public ForwardNetwork network() {
        return network;
    }

    /** Sets the options checkpoints record so that the provider builds this network again (see {@link #rebuildOptions()}). */
    void rebuildOptions(Map<String, String> options) {
        rebuildOptions = Map.copyOf(options);
    }

    @Override
    public Map<String, String> rebuildOptions() {
        return rebuildOptions;
    }

    /** What the network expects of its input, applied to every batch before it enters a session. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Facts about a user's network worth showing (input, output kind and how it is trained, preprocessing...), in
     * display order; empty for the toolkit's own networks, whose contract is fixed. Does not mutate the model.
     */
    @Override
    public Map<String, String> description() {
        if (network.description().isEmpty()) {
            return Map.of();
        }
        Map<String, String> all = new LinkedHashMap<>(network.description());
        all.put(
                "preprocessing",
                preprocessing.describe()
                        + (preprocessing.isIdentity() ? " (the toolkit's pixels in [0, 1] as they are)" : ""));
        return all;
    }

    /**
     * The input tensor's dimensions for a batch of {@code n} examples of {@code shape}: the network's own
     * ([n, C, H, W] or [n, D]). Throws ToolkitException when the examples do not have the size the network takes.
     */
    public long[] inputDims(int n, org.mltoolkit.api.ExampleShape shape) {
        long[] dims = network.inputShape().clone();
        dims[0] = n;
        if (network.exampleSize() != shape.size()) {
            throw new ToolkitException("model '" + name + "' takes examples of shape "
                    + Arrays.toString(Arrays.copyOfRange(dims, 1, dims.length)) + ", got " + shape);
        }
        return dims;
    }

    /** The live buffer of a state tensor; callers that write to it must call {@link #stateChanged()}. */
    public FloatBuffer buffer(String stateName) {
        return state.get(stateName);
    }

    /** Marks the state as changed so the next prediction rebuilds its session. */
    public void stateChanged() {
        stateVersion++;
    }

    @Override
    public long parameterCount() {
        return network.state().stream()
                .filter(ParameterSpec::trainable)
                .mapToLong(ParameterSpec::size)
                .sum();
    }

    @Override
    public void predictLogProbabilities(Batch batch, float[] out) {
        int n = batch.size();
        if (n == 0) {
            return;
        }
        int exampleSize = batch.shape().size();
        if (inputBuffer == null || inputBuffer.capacity() < n * exampleSize) {
            inputBuffer = NativeBuffers.floats(n * exampleSize);
        }
        long[] dims = inputDims(n, batch.shape());
        preprocessing.apply(batch.features(), n, batch.shape(), inputBuffer);
        OrtSession session = inferenceSession();
        try {
            NativeCallGuard.process().run(() -> {
                try (OnnxTensor input = OnnxTensor.createTensor(
                                OrtSessions.environment(),
                                inputBuffer.duplicate().limit(n * exampleSize),
                                dims);
                        OrtSession.Result result =
                                session.run(Map.of(network.input(), input), Set.of(network.output()))) {
                    FloatBuffer logProbs = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    logProbs.get(out, 0, n * numClasses);
                }
            });
        } catch (OrtException e) {
            throw new ToolkitException("inference of model '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sets what to run before the first inference after the state changed (a trainer's release of its working
     * memory), replacing the previous one. Mutates only this model's hook.
     */
    void releaseBeforeInference(Runnable release) {
        this.releaseTrainingMemory = release;
    }

    /** Removes {@code release} if it is still what runs before inference (a later trainer's stays). */
    void stopReleasingBeforeInference(Runnable release) {
        if (releaseTrainingMemory == release) {
            releaseTrainingMemory = null;
        }
    }

    private OrtSession inferenceSession() {
        if (inferenceSession == null || sessionVersion != stateVersion) {
            if (releaseTrainingMemory != null) {
                // the training session's arena would otherwise stay resident under the inference pass
                releaseTrainingMemory.run();
            }
            closeInferenceSession();
            // Conv nodes with constant weights: ONNX Runtime's blocked-layout kernels beat the batch-wide matrix
            // products used in training here (measured: 117 ms against 170-350 ms a batch of 256).
            inferenceSession = OrtSessions.open(inferenceModel().toByteArray(), device, threads, null);
            sessionVersion = stateVersion;
        }
        return inferenceSession;
    }

    /**
     * The inference graph with the current state as initializers: BatchNorm uses the running statistics, the
     * output is log-probabilities. What predictions run.
     */
    public ModelProto inferenceModel() {
        return withCurrentState(network.inference());
    }

    /** The graph {@link #writeOnnx} writes: the network's export graph with the current state as initializers. */
    public ModelProto exportModel() {
        return withCurrentState(network.export());
    }

    private ModelProto withCurrentState(ModelProto model) {
        GraphProto.Builder graph = model.getGraph().toBuilder().clearInitializer();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            FloatBuffer current = state.get(t.getName());
            if (current == null) {
                graph.addInitializer(t);
            } else {
                long[] dims =
                        t.getDimsList().stream().mapToLong(Long::longValue).toArray();
                graph.addInitializer(GraphBuilder.floatTensor(t.getName(), current, dims));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    @Override
    public double parameterNorm() {
        double sum = 0;
        for (ParameterSpec p : network.state()) {
            if (p.trainable()) {
                FloatBuffer b = state.get(p.name());
                for (int i = 0; i < p.size(); i++) {
                    float v = b.get(i);
                    sum += (double) v * v;
                }
            }
        }
        return Math.sqrt(sum);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        for (ParameterSpec p : network.state()) {
            float[] values = new float[p.size()];
            state.get(p.name()).get(0, values);
            copy.put(p.name(), new Tensor(p.shape().clone(), values));
        }
        return copy;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> newState) {
        for (ParameterSpec p : network.state()) {
            Tensor t = newState.get(p.name());
            if (t == null) {
                throw new ToolkitException("state of model '" + name + "' has no entry '" + p.name() + "'");
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new ToolkitException("state entry '" + p.name() + "' has shape " + Arrays.toString(t.shape())
                        + ", model '" + name + "' expects " + Arrays.toString(p.shape()));
            }
            for (float v : t.data()) {
                if (!Float.isFinite(v)) {
                    throw new ToolkitException("state entry '" + p.name() + "' holds a non-finite value " + v);
                }
            }
        }
        for (String key : newState.keySet()) {
            if (!state.containsKey(key)) {
                throw new ToolkitException("state has an entry '" + key + "' that model '" + name + "' does not know");
            }
        }
        for (ParameterSpec p : network.state()) {
            state.get(p.name()).put(0, newState.get(p.name()).data());
        }
        stateChanged();
    }

    /** Writes {@link #exportModel()}; see the interface for the contract. */
    @Override
    public void writeOnnx(OutputStream out) throws IOException {
        exportModel().writeTo(out);
    }

    /** Names of the trainable parameters, in state order. */
    public List<ParameterSpec> parameters() {
        return network.state().stream().filter(ParameterSpec::trainable).toList();
    }

    /** Names of the buffers (running statistics), in state order. */
    public List<ParameterSpec> buffers() {
        return network.state().stream().filter(p -> !p.trainable()).toList();
    }

    /**
     * Closes the inference session, if one is open, giving its arena back; the next prediction opens one again. A
     * trainer calls this before each step, so that the arena of a validation pass is not resident under training.
     */
    void closeInferenceSession() {
        if (inferenceSession != null) {
            try {
                NativeCallGuard.process().run(inferenceSession::close);
            } catch (OrtException e) {
                throw new ToolkitException("cannot close the inference session of model '" + name + "'", e);
            } finally {
                inferenceSession = null;
            }
        }
    }

    @Override
    public void close() {
        closeInferenceSession();
    }
}
