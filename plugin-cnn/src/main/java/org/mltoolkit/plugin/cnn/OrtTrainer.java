package org.mltoolkit.plugin.cnn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.cnn.autodiff.DifferentiationRequest;
import org.mltoolkit.plugin.cnn.autodiff.ReverseModeDifferentiator;
import org.mltoolkit.plugin.cnn.autodiff.TrainingGraph;
import org.mltoolkit.plugin.cnn.graph.ForwardNetwork;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;
import org.mltoolkit.plugin.cnn.ort.NativeBuffers;
import org.mltoolkit.plugin.cnn.ort.NativeCallGuard;
import org.mltoolkit.plugin.cnn.ort.OrtSessions;
import org.mltoolkit.plugin.support.optim.Optimizers;
import org.mltoolkit.plugin.support.optim.OptimizingTrainer;
import org.mltoolkit.plugin.support.optim.Parameter;

/**
 * Trains a {@link CnnModel} in place. The training graph (forward in training mode, NLL loss, gradients, updated
 * running statistics) is derived once from the model's forward graph and run in ONNX Runtime; parameters go in as
 * tensors over the model's own direct buffers (no copy), gradients come back into pinned direct buffers, and the
 * optimizer (the support library's Adam or SGD, on the model's threads) updates the parameters in Java. Options:
 * the optimizer's ({@link Optimizers}), {@code gemm_conv_max_pixels}, {@code profile} (file prefix for an ONNX
 * Runtime profile). Not thread-safe.
 */
public final class OrtTrainer extends OptimizingTrainer {
    private static final String LABELS = "labels";
    /** Trainer option: convolutions with at most this many output pixels run as batch-wide matrix products. */
    static final String GEMM_OPTION = "gemm_conv_max_pixels";
    /** The options this trainer takes besides the optimizer's. */
    private static final Set<String> OWN_OPTIONS = Set.of("profile", GEMM_OPTION);

    private final CnnModel model;
    private final TrainingGraph graph;
    private final OrtSession session;
    private final List<ParameterSpec> parameters;
    private final List<ParameterSpec> buffers;
    private final FloatBuffer[] parameterBuffers;
    private final FloatBuffer[] gradientBuffers;
    private final FloatBuffer[] bufferUpdates;
    private final List<OnnxTensor> ownedTensors = new ArrayList<>();
    private final Map<String, OnnxTensor> stateInputs = new HashMap<>();
    private final Map<String, OnnxValue> fixedOutputs = new HashMap<>();
    private final Map<Integer, BatchTensors> perBatchSize = new HashMap<>();
    /** Examples of the run that releases the arena: two, so that the batch statistics stay finite. */
    private static final int RELEASE_BATCH = 2;
    /** ONNX Runtime's run option naming the arenas to shrink at the end of a run. */
    private static final String SHRINK_ARENAS = "memory.enable_memory_arena_shrinkage";
    /** Whether a step ran since the arena was last released. */
    private boolean arenaInUse;
    /** What the model runs before an inference pass: {@link #releaseWorkingMemory}. */
    private final Runnable release = this::releaseWorkingMemory;

    /** Input and output tensors that depend on the batch size, reused across steps of that size. */
    private record BatchTensors(
            FloatBuffer features,
            LongBuffer labels,
            FloatBuffer loss,
            FloatBuffer logProbs,
            OnnxTensor featuresTensor,
            OnnxTensor labelsTensor,
            OnnxTensor lossTensor,
            OnnxTensor logProbsTensor) {}

    OrtTrainer(CnnModel model, TrainerSpec spec) {
        this(model, spec, parametersOf(model));
    }

    /**
     * The optimizer comes first, so that a bad optimizer setting fails before the training graph is derived and
     * opened. {@code optimized} are the model's parameters, each with a fresh gradient buffer.
     */
    private OrtTrainer(CnnModel model, TrainerSpec spec, List<Parameter> optimized) {
        super(Optimizers.create(
                spec, optimized, model.threads(), "trainer '" + OrtTrainerProvider.NAME + "'", OWN_OPTIONS));
        this.model = model;
        this.parameters = model.parameters();
        this.buffers = model.buffers();
        this.parameterBuffers = optimized.stream().map(Parameter::values).toArray(FloatBuffer[]::new);
        this.gradientBuffers = optimized.stream().map(Parameter::gradients).toArray(FloatBuffer[]::new);
        this.bufferUpdates = new FloatBuffer[buffers.size()];
        try {
            this.graph = derive(model, spec);
            String profile = spec.options().getString("profile", null);
            this.session =
                    OrtSessions.open(graph.model().toByteArray(), model.resolvedDevice(), model.threads(), profile);
            bindState();
            model.releaseBeforeInference(release);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The model's parameters over its own buffers, each with a direct gradient buffer that ONNX Runtime fills. */
    private static List<Parameter> parametersOf(CnnModel model) {
        List<Parameter> optimized = new ArrayList<>();
        for (ParameterSpec p : model.parameters()) {
            optimized.add(new Parameter(p.name(), p.shape(), model.buffer(p.name()), NativeBuffers.floats(p.size())));
        }
        return optimized;
    }

    private static TrainingGraph derive(CnnModel model, TrainerSpec spec) {
        Set<String> parameterNames = new LinkedHashSet<>();
        model.parameters().forEach(p -> parameterNames.add(p.name()));
        Set<String> bufferNames = new LinkedHashSet<>();
        model.buffers().forEach(p -> bufferNames.add(p.name()));
        ForwardNetwork network = model.network();
        if (network.training() == null) {
            throw new ToolkitException(network.trainingUnavailable());
        }
        return ReverseModeDifferentiator.differentiate(
                network.training(),
                new DifferentiationRequest(
                        Map.of(network.input(), network.inputShape()),
                        network.output(),
                        LABELS,
                        parameterNames,
                        bufferNames,
                        spec.options().getInt(GEMM_OPTION, DifferentiationRequest.DEFAULT_GEMM_CONV_MAX_PIXELS)));
    }

    /**
     * Wraps the parameters, gradients, running statistics and their updates in ONNX Runtime tensors over the same
     * direct buffers. Throws ToolkitException when ONNX Runtime refuses one.
     */
    private void bindState() {
        try {
            for (int i = 0; i < parameters.size(); i++) {
                ParameterSpec p = parameters.get(i);
                stateInputs.put(
                        p.name(),
                        own(OnnxTensor.createTensor(OrtSessions.environment(), parameterBuffers[i], p.shape())));
                fixedOutputs.put(
                        graph.gradientOutputs().get(p.name()),
                        own(OnnxTensor.createTensor(OrtSessions.environment(), gradientBuffers[i], p.shape())));
            }
            for (int i = 0; i < buffers.size(); i++) {
                ParameterSpec b = buffers.get(i);
                stateInputs.put(
                        b.name(),
                        own(OnnxTensor.createTensor(OrtSessions.environment(), model.buffer(b.name()), b.shape())));
                bufferUpdates[i] = NativeBuffers.floats(b.size());
                fixedOutputs.put(
                        graph.bufferOutputs().get(b.name()),
                        own(OnnxTensor.createTensor(OrtSessions.environment(), bufferUpdates[i], b.shape())));
            }
        } catch (OrtException e) {
            throw new ToolkitException("cannot create the training tensors of model '" + model.name() + "'", e);
        }
    }

    private OnnxTensor own(OnnxTensor tensor) {
        ownedTensors.add(tensor);
        return tensor;
    }

    /** The derived training graph (for inspection and profiling). */
    public TrainingGraph trainingGraph() {
        return graph;
    }

    private BatchTensors tensorsFor(int n, long[] dims) throws OrtException {
        BatchTensors t = perBatchSize.get(n);
        if (t == null) {
            int exampleSize = Math.toIntExact(model.network().exampleSize());
            FloatBuffer features = NativeBuffers.floats(n * exampleSize);
            LongBuffer labels = NativeBuffers.longs(n);
            FloatBuffer loss = NativeBuffers.floats(1);
            FloatBuffer logProbs = NativeBuffers.floats(n * model.numClasses());
            t = new BatchTensors(
                    features,
                    labels,
                    loss,
                    logProbs,
                    own(OnnxTensor.createTensor(OrtSessions.environment(), features, dims)),
                    own(OnnxTensor.createTensor(OrtSessions.environment(), labels, new long[] {n})),
                    own(OnnxTensor.createTensor(OrtSessions.environment(), loss, new long[0])),
                    own(OnnxTensor.createTensor(
                            OrtSessions.environment(), logProbs, new long[] {n, model.numClasses()})));
            perBatchSize.put(n, t);
        }
        return t;
    }

    /**
     * Runs one training step on {@code batch} (not mutated): mutates the model's parameters and running statistics
     * and the optimizer state. Throws ToolkitException when ONNX Runtime fails or a label is out of range.
     */
    @Override
    public StepResult step(Batch batch) {
        int n = batch.size();
        if (n == 0) {
            throw new ToolkitException("cannot train on an empty batch");
        }
        long[] dims = model.inputDims(n, batch.shape());
        int classes = model.numClasses();
        // A validation pass's session and its arena would otherwise stay resident under the training session.
        model.closeInferenceSession();
        try {
            BatchTensors t = tensorsFor(n, dims);
            model.preprocessing().apply(batch.features(), n, batch.shape(), t.features());
            int[] labels = batch.labels();
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new ToolkitException(
                            "label " + labels[i] + " of example " + i + " is outside 0.." + (classes - 1));
                }
                t.labels().put(i, labels[i]);
            }
            run(t, null);
            arenaInUse = true;
            double loss = t.loss().get(0);
            float[] logProbs = new float[n * classes];
            t.logProbs().get(0, logProbs);
            int correct = Metrics.countCorrect(logProbs, labels, n, classes);
            double parameterNorm = Math.sqrt(NativeBuffers.sumOfSquares(parameterBuffers));
            double gradientNorm = Math.sqrt(NativeBuffers.sumOfSquares(gradientBuffers));
            // The norms are summed here in double, element by element, as CnnModel.parameterNorm() sums them; the
            // block-wise float sums the optimizer returns would differ in the last digits.
            optimizer().step();
            for (int i = 0; i < buffers.size(); i++) {
                model.buffer(buffers.get(i).name()).put(0, bufferUpdates[i], 0, bufferUpdates[i].capacity());
            }
            model.stateChanged();
            return new StepResult(loss, correct, parameterNorm, gradientNorm);
        } catch (OrtException e) {
            throw new ToolkitException("training step of model '" + model.name() + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the training graph on the batch in {@code t}: the loss and log-probabilities land in {@code t}, the
     * gradients and new running statistics in the trainer's pinned buffers. {@code options} may be null. The run
     * goes through the {@link NativeCallGuard}, so that a process ended meanwhile waits for it to return.
     */
    private void run(BatchTensors t, OrtSession.RunOptions options) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>(stateInputs);
        inputs.put(model.network().input(), t.featuresTensor());
        inputs.put(LABELS, t.labelsTensor());
        Map<String, OnnxValue> pinned = new HashMap<>(fixedOutputs);
        pinned.put(graph.lossOutput(), t.lossTensor());
        pinned.put(graph.predictionOutput(), t.logProbsTensor());
        int outputs = NativeCallGuard.process().call(() -> {
            try (OrtSession.Result result = options == null
                    ? session.run(inputs, Set.of(), pinned)
                    : session.run(inputs, Set.of(), pinned, options)) {
                return result.size();
            }
        });
        if (outputs != pinned.size()) {
            throw new ToolkitException("training step of model '" + model.name() + "' returned " + outputs
                    + " outputs, expected " + pinned.size());
        }
    }

    /**
     * Hands the training session's working memory back to the operating system, so that an inference pass
     * (validation, evaluation, prediction) does not run on top of it; {@link CnnModel} calls this before the first
     * inference after training steps. ONNX Runtime's arena releases its regions only at the end of a run whose
     * options ask for it, so this runs the training graph once on {@value #RELEASE_BATCH} zero examples with arena
     * shrinkage on. That run writes only the gradient and running-statistics buffers, which the next step
     * overwrites before anything reads them: parameters, running statistics and optimizer state are not changed.
     * The next step grows the arena again. Does nothing when no step ran since the last release. Throws
     * ToolkitException when ONNX Runtime fails.
     */
    void releaseWorkingMemory() {
        if (!arenaInUse) {
            return;
        }
        long[] dims = model.network().inputShape().clone();
        dims[0] = RELEASE_BATCH;
        Device device = model.resolvedDevice();
        String arenas = device.kind() == Device.Kind.CUDA ? "cpu:0;gpu:" + device.index() : "cpu:0";
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            options.addRunConfigEntry(SHRINK_ARENAS, arenas);
            run(tensorsFor(RELEASE_BATCH, dims), options);
            arenaInUse = false;
        } catch (OrtException e) {
            throw new ToolkitException(
                    "cannot release the training memory of model '" + model.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Ends ONNX Runtime profiling and returns the profile file's name, or null when profiling was not enabled.
     */
    public String endProfiling() {
        try {
            String file = session.endProfiling();
            return file == null || file.isEmpty() ? null : file;
        } catch (OrtException e) {
            throw new ToolkitException("cannot end ONNX Runtime profiling", e);
        }
    }

    @Override
    public void close() {
        try {
            model.stopReleasingBeforeInference(release);
            for (OnnxTensor t : ownedTensors) {
                t.close();
            }
            ownedTensors.clear();
            perBatchSize.clear();
            if (session != null) {
                try {
                    NativeCallGuard.process().run(session::close);
                } catch (OrtException e) {
                    throw new ToolkitException("cannot close the training session of model '" + model.name() + "'", e);
                }
            }
        } finally {
            super.close();
        }
    }
}
