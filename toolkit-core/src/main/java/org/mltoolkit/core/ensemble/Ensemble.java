package org.mltoolkit.core.ensemble;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.run.Evaluation;

/**
 * Several trained classifiers run as one model: the ensemble's probability of a class is the mean of the members'
 * probabilities ({@code log_probs = log(mean_i exp(member_i log_probs))}, computed stably), so a confident member
 * does not outvote the others the way a mean of log-probabilities would let it. Members may be different models
 * (fc and cnn) of the same dataset, input shape and classes. Closing the ensemble closes its members.
 */
public final class Ensemble implements Model {
    /** The name an ensemble reports as its model. */
    public static final String NAME = "ensemble";

    private final List<String> names;
    private final List<Model> members;
    private final List<InputLayout> layouts;
    private final int numClasses;

    private Ensemble(List<String> names, List<Model> members, List<InputLayout> layouts, int numClasses) {
        this.names = List.copyOf(names);
        this.members = List.copyOf(members);
        this.layouts = List.copyOf(layouts);
        this.numClasses = numClasses;
    }

    /**
     * Reads the checkpoints to combine and names them {@code member-1}, {@code member-2}, ... in order. Throws
     * CheckpointFormatException for an unreadable file, and ToolkitException naming the first file whose dataset,
     * input shape or classes differ from the first's, or when fewer than one is given.
     */
    public static List<EnsembleFile.Member> members(List<Path> checkpoints) {
        if (checkpoints.isEmpty()) {
            throw new ToolkitException("an ensemble needs at least one checkpoint");
        }
        List<EnsembleFile.Member> members = new ArrayList<>();
        Checkpoint first = null;
        Path firstFile = null;
        for (Path file : checkpoints) {
            Checkpoint c = CheckpointFile.read(file);
            if (first == null) {
                first = c;
                firstFile = file;
            } else {
                requireSameTask(first, firstFile, c, file);
            }
            members.add(new EnsembleFile.Member(
                    "member-" + (members.size() + 1), file.toString(), EnsembleFile.sha256(file), c));
        }
        return members;
    }

    /**
     * Rebuilds every member's model through its plugin with its saved weights. {@code device} and {@code threads}
     * override the saved ones when not null. Throws ToolkitException naming the ensemble file and the member when a
     * plugin is missing or rejects the weights; the members opened so far are closed.
     */
    public static Ensemble open(
            ExtensionLookup lookup, List<EnsembleFile.Member> members, Path file, String device, Integer threads) {
        List<String> names = new ArrayList<>();
        List<Model> models = new ArrayList<>();
        List<InputLayout> layouts = new ArrayList<>();
        try {
            for (EnsembleFile.Member m : members) {
                Checkpoint c = m.checkpoint();
                Path where = Path.of(file + "#" + m.name());
                layouts.add(lookup.model(c.modelName()).inputLayout());
                models.add(Evaluation.openModel(lookup, c, where, device, threads));
                names.add(m.name());
            }
        } catch (RuntimeException e) {
            models.forEach(Model::close);
            throw e;
        }
        return new Ensemble(
                names, models, layouts, members.get(0).checkpoint().modelSpec().numClasses());
    }

    /** The members' names, in order. */
    public List<String> memberNames() {
        return names;
    }

    /** The members' models, in order (owned by this ensemble). */
    public List<Model> members() {
        return members;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String device() {
        return members.stream()
                .map(Model::device)
                .distinct()
                .reduce((a, b) -> a + "," + b)
                .orElse("cpu");
    }

    @Override
    public long parameterCount() {
        return members.stream().mapToLong(Model::parameterCount).sum();
    }

    /**
     * Writes {@code log(mean_i exp(l_i))} of the members' log-probabilities {@code l_i}, each member fed the batch in
     * the layout it asked for. Mutates only {@code out}.
     */
    @Override
    public void predictLogProbabilities(Batch batch, float[] out) {
        int n = batch.size() * numClasses;
        float[][] outputs = new float[members.size()][];
        for (int i = 0; i < members.size(); i++) {
            outputs[i] = new float[n];
            Batch own = new Batch(batch.features(), batch.labels(), batch.size(), batch.shape(), layouts.get(i));
            members.get(i).predictLogProbabilities(own, outputs[i]);
        }
        combine(outputs, n, out);
    }

    /** {@code out[j] = log(mean_i exp(outputs[i][j]))} for {@code j < n}, shifted by the maximum for stability. */
    static void combine(float[][] outputs, int n, float[] out) {
        for (int j = 0; j < n; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float[] o : outputs) {
                max = Math.max(max, o[j]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                out[j] = Float.NEGATIVE_INFINITY;
                continue;
            }
            double sum = 0;
            for (float[] o : outputs) {
                sum += Math.exp(o[j] - max);
            }
            out[j] = (float) (max + Math.log(sum / outputs.length));
        }
    }

    @Override
    public double parameterNorm() {
        double sum = 0;
        for (Model m : members) {
            sum += m.parameterNorm() * m.parameterNorm();
        }
        return Math.sqrt(sum);
    }

    /** Every member's state, its names prefixed with the member's name and a slash. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            String prefix = names.get(i) + "/";
            members.get(i).stateDict().forEach((k, v) -> state.put(prefix + k, v));
        }
        return state;
    }

    /**
     * Replaces every member's state from names prefixed as {@link #stateDict()} writes them. Throws ToolkitException
     * naming the first entry no member owns, or what a member throws (members before it are then already replaced).
     */
    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        List<Map<String, Tensor>> parts = new ArrayList<>();
        members.forEach(m -> parts.add(new LinkedHashMap<>()));
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            int slash = e.getKey().indexOf('/');
            int index = slash < 0 ? -1 : names.indexOf(e.getKey().substring(0, slash));
            if (index < 0) {
                throw new ToolkitException("no member of the ensemble owns the entry '" + e.getKey() + "'");
            }
            parts.get(index).put(e.getKey().substring(slash + 1), e.getValue());
        }
        for (int i = 0; i < members.size(); i++) {
            members.get(i).loadStateDict(parts.get(i));
        }
    }

    @Override
    public Map<String, String> description() {
        Map<String, String> facts = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            facts.put(names.get(i), members.get(i).name());
        }
        facts.put("output", "log of the mean of the members' probabilities");
        return facts;
    }

    @Override
    public void close() {
        members.forEach(Model::close);
    }

    private static void requireSameTask(Checkpoint first, Path firstFile, Checkpoint other, Path file) {
        ModelSpec a = first.modelSpec();
        ModelSpec b = other.modelSpec();
        if (!first.datasetName().equals(other.datasetName())
                || !a.inputShape().equals(b.inputShape())
                || a.numClasses() != b.numClasses()) {
            throw new ToolkitException(file + ": cannot join an ensemble with " + firstFile + ": it was trained on '"
                    + other.datasetName() + "' (" + b.inputShape() + ", " + b.numClasses() + " classes), the first"
                    + " on '" + first.datasetName() + "' (" + a.inputShape() + ", " + a.numClasses() + " classes)");
        }
    }
}
