package org.mltoolkit.plugin.cnn;

import java.util.Arrays;
import java.util.Set;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.plugin.cnn.graph.ConvClassifierGraph;
import org.mltoolkit.plugin.cnn.graph.ForwardNetwork;
import org.mltoolkit.plugin.cnn.ort.OrtSessions;
import org.pf4j.Extension;

/**
 * The {@code cnn} model: the convolutional classifier as an ONNX graph. Options: {@code channels} (the blocks'
 * output channels, default {@code 32,64,128,256,512}) and {@code hidden} (width of the hidden linear layer,
 * default 50).
 */
@Extension
public final class CnnModelProvider implements ModelProvider {
    public static final String NAME = "cnn";
    static final String DEFAULT_CHANNELS = "32,64,128,256,512";
    static final int DEFAULT_HIDDEN = 50;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "convolutional classifier (5 conv blocks, BatchNorm) as an ONNX graph, trained through ONNX Runtime";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public String defaultTrainer() {
        return OrtTrainerProvider.NAME;
    }

    @Override
    public Model create(ModelSpec spec) {
        spec.options().requireOnly(NAME, Set.of("channels", "hidden"));
        long[] channels = parseChannels(spec.options().getString("channels", DEFAULT_CHANNELS));
        int hidden = spec.options().getInt("hidden", DEFAULT_HIDDEN);
        if (hidden < 1) {
            throw new InvalidConfigurationException("hidden", hidden, "must be at least 1");
        }
        ForwardNetwork network = ConvClassifierGraph.build(
                spec.inputShape().channels(),
                spec.inputShape().height(),
                spec.inputShape().width(),
                spec.numClasses(),
                channels,
                hidden,
                spec.seed());
        Device device = OrtSessions.resolve(spec.device());
        return new CnnModel(NAME, network, Preprocessing.NONE, device, spec.threads(), spec.numClasses());
    }

    private static long[] parseChannels(String text) {
        try {
            long[] channels = Arrays.stream(text.split("[,;]"))
                    .map(String::trim)
                    .mapToLong(Long::parseLong)
                    .toArray();
            if (channels.length == 0 || Arrays.stream(channels).anyMatch(c -> c < 1)) {
                throw new InvalidConfigurationException("channels", text, "expected positive integers such as 32,64");
            }
            return channels;
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("channels", text, "expected positive integers such as 32,64");
        }
    }
}
