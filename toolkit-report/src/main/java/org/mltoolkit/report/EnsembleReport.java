package org.mltoolkit.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.engine.EvaluationMetrics;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.run.EvaluationResult;

/**
 * The page of an ensemble file ({@code .ens}), {@code index.html} with its pictures in {@code images/}: what the
 * ensemble is, its members (model, epoch, source file and its SHA-256, and each member's own test figures beside the
 * ensemble's), the members' learning curves overlaid (from the histories their checkpoints carry), the ensemble's
 * confusion heat map, most confident mistakes and sample predictions, and provenance. Sections carry ids
 * ({@code status}, {@code members}, {@code curves}, {@code confusion}, {@code mistakes}, {@code samples},
 * {@code provenance}) for readers and tests.
 *
 * <pre>{@code
 * EnsembleReport.builder().file(ens).members(EnsembleFile.read(ens)).test(result).memberTests(metrics)
 *         .provenance(p).build().write(outDir);
 * }</pre>
 */
public final class EnsembleReport {
    private final Builder settings;

    private EnsembleReport(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes the page and its pictures into {@code directory} as {@link RunReport#write} does (same rules for what
     * the directory may hold; every file replaced atomically, the page last). Throws ToolkitException naming the
     * directory when it is a file, holds files that are not a report or cannot be written.
     *
     * @return the page's file
     */
    public Path write(Path directory) {
        ReportOutput output = ReportOutput.prepare(directory);
        List<EnsembleFile.Member> members = settings.members;
        Checkpoint first = members.get(0).checkpoint();
        Page page = new Page("Ensemble " + settings.file.getFileName(), null);
        StringBuilder html = page.body();
        html.append("<p id=\"status\" class=\"status ended\">")
                .append(Html.escape("Ensemble of " + members.size() + " members averaging their probabilities."))
                .append("</p>\n");

        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("dataset", first.datasetName());
        facts.put("members", members.size());
        facts.put("combination", "log of the mean of the members' probabilities");
        if (settings.test != null) {
            facts.put(
                    "test accuracy (ensemble)",
                    Html.percent(settings.test.test().accuracy()));
            facts.put("test loss (ensemble)", settings.test.test().loss());
        }
        if (settings.memberTests != null) {
            EvaluationMetrics best = settings.memberTests.stream()
                    .max((a, b) -> Double.compare(a.accuracy(), b.accuracy()))
                    .orElseThrow();
            facts.put("best member's test accuracy", Html.percent(best.accuracy()));
        }
        facts.put("file", settings.file);
        Html.keyValueTable(html, "headline", facts);

        page.section("members", "Members");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            EnsembleFile.Member m = members.get(i);
            Checkpoint c = m.checkpoint();
            EvaluationMetrics test = settings.memberTests != null ? settings.memberTests.get(i) : null;
            rows.add(List.of(
                    "<span class=\"swatch\" style=\"background:" + Palette.css(Palette.run(i)) + "\"></span>"
                            + Html.escape(m.name()),
                    Html.escape(c.modelName()),
                    Integer.toString(c.epoch()),
                    Html.escape(Html.value(c.bestValidLoss())),
                    test != null ? Html.percent(test.accuracy()) : "",
                    test != null ? Html.escape(Html.value(test.loss())) : "",
                    Html.escape(m.source()),
                    "<code>" + Html.escape(m.sourceSha256()) + "</code>"));
        }
        Html.table(
                html,
                "members",
                List.of(
                        "member",
                        "model",
                        "epoch",
                        "best validation loss",
                        "test accuracy",
                        "test loss",
                        "made from",
                        "SHA-256 of that file"),
                rows);
        if (settings.memberTests == null) {
            html.append("<p class=\"note\">The members were not tested on their own: ")
                    .append(Html.escape(settings.testNote != null ? settings.testNote : "not asked for"))
                    .append(".</p>\n");
        }
        page.endSection();

        page.section("curves", "The members' learning curves");
        page.charts(Curves.overlaid(
                members.stream().map(EnsembleFile.Member::name).toList(),
                members.stream().map(m -> m.checkpoint().history()).toList()));
        page.endSection();

        Set<String> images = new HashSet<>();
        TestSections.write(page, output, images, settings.test, settings.testNote);

        page.section("provenance", "Provenance");
        Map<String, Object> provenanceRows = new LinkedHashMap<>();
        provenanceRows.put("toolkit", settings.provenance.toolkitVersion());
        for (EnsembleFile.Member m : members) {
            m.checkpoint().plugins().forEach((id, version) -> provenanceRows.put(m.name() + ": plugin " + id, version));
        }
        if (settings.test != null) {
            provenanceRows.put("test evaluated on", settings.test.device());
        }
        provenanceRows.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        settings.provenance.putDataRows(provenanceRows);
        Html.keyValueTable(html, "provenance", provenanceRows);
        page.endSection();

        String text = page.finish(settings.generatedAt, settings.provenance.toolkitVersion());
        output.writeIndex(text);
        output.removeOtherImages(images);
        return directory.resolve(ReportOutput.INDEX);
    }

    /** What the page shows; {@link #build()} checks it. */
    public static final class Builder {
        private Path file;
        private List<EnsembleFile.Member> members;
        private EvaluationResult test;
        private List<EvaluationMetrics> memberTests;
        private String testNote;
        private Provenance provenance;
        private Instant generatedAt = Instant.now();

        private Builder() {}

        /** The ensemble file shown (required). */
        public Builder file(Path value) {
            file = value;
            return this;
        }

        /** Its members as {@link EnsembleFile#read} returns them (required, at least one). */
        public Builder members(List<EnsembleFile.Member> value) {
            members = List.copyOf(value);
            return this;
        }

        /** The ensemble's evaluation on the test set: the heat map and the pictures come from it. */
        public Builder test(EvaluationResult value) {
            test = value;
            return this;
        }

        /** Each member's own test figures, in member order, shown beside the ensemble's. */
        public Builder memberTests(List<EvaluationMetrics> value) {
            memberTests = List.copyOf(value);
            return this;
        }

        /** Why there is no test evaluation, shown in its place (for example, the data is not on this machine). */
        public Builder testNote(String value) {
            testNote = value;
            return this;
        }

        /** The toolkit's version and the data files (required). */
        public Builder provenance(Provenance value) {
            provenance = value;
            return this;
        }

        /** When the page is written; now by default. */
        public Builder generatedAt(Instant value) {
            generatedAt = value;
            return this;
        }

        /**
         * Throws IllegalStateException when the file, the members or the provenance is missing, or when the members'
         * test figures do not line up with the members.
         */
        public EnsembleReport build() {
            if (file == null || members == null || members.isEmpty() || provenance == null) {
                throw new IllegalStateException("an ensemble report needs the file, its members and the provenance");
            }
            if (memberTests != null && memberTests.size() != members.size()) {
                throw new IllegalStateException(
                        memberTests.size() + " members' test figures for " + members.size() + " members");
            }
            return new EnsembleReport(this);
        }
    }
}
