package org.mltoolkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mltoolkit.core.ensemble.Ensemble;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.ensemble.SweepSelection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code toolkit ensemble --checkpoint A --checkpoint B ... [--from-sweep DIR ... --top K] --out E.ens}: joins trained
 * models into one ensemble file that {@code evaluate} and {@code predict} take in place of a checkpoint.
 */
@Command(
        name = "ensemble",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Join checkpoints into one ensemble file that averages the members' probabilities.",
            "Members may be different models (fc and cnn) of one dataset, input shape and classes.",
            "The file embeds every member's weights; evaluate and predict take it as --checkpoint."
        })
public final class EnsembleCommand extends ToolkitSubcommand {
    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description = "A member's checkpoint (its own weights: best.ckpt holds the best epoch's); repeatable.")
    private List<Path> checkpoints = new ArrayList<>();

    @Option(
            names = "--from-sweep",
            paramLabel = "DIR",
            description = "Take members from a sweep's directory: the best.ckpt of the --top runs of DIR/"
                    + SweepSelection.SWEEP_FILE + " with the lowest validation loss; repeatable (the runs of every"
                    + " sweep named are ranked together).")
    private List<Path> fromSweeps = new ArrayList<>();

    @Option(
            names = "--top",
            paramLabel = "K",
            description = "How many runs the sweeps of --from-sweep give (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    private int top;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The ensemble file to write.")
    private Path out;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + top + "' for --top: must be at least 1");
        }
        List<Path> members = new ArrayList<>(checkpoints);
        if (!fromSweeps.isEmpty()) {
            members.addAll(SweepSelection.best(fromSweeps, top));
        }
        if (members.isEmpty()) {
            throw new ParameterException(
                    spec().commandLine(), "name the members: --checkpoint FILE (repeatable) or --from-sweep DIR");
        }
        Path target = out.toAbsolutePath().normalize();
        for (Path member : members) {
            if (member.toAbsolutePath().normalize().equals(target)) {
                throw new ParameterException(
                        spec().commandLine(),
                        "invalid value '" + out + "' for --out: it is a member; name another file");
            }
        }
        List<EnsembleFile.Member> read = Ensemble.members(members);
        EnsembleFile.write(out, read);
        for (EnsembleFile.Member m : read) {
            out().printf(
                            "%s: model %s after epoch %d, from %s%n",
                            m.name(), m.checkpoint().modelName(), m.checkpoint().epoch(), m.source());
        }
        out().printf("Wrote %s: %d members averaging their probabilities (%,d bytes)%n", out, read.size(), size(out));
        out().flush();
        return ExitCodes.OK;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
