package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.core.run.TrainingRunBuilder;
import picocli.CommandLine;

class OptionNamesTest {
    /** Settings of the training builder that a program sets and a command line does not. */
    private static final Set<String> NOT_ON_THE_COMMAND_LINE =
            Set.of("lookup", "data", "datasetLoader", "plugins", "metrics", "on", "onModelReady", "build");

    @Test
    void everyTrainingSettingHasAnOptionOfTheTrainCommand() {
        CommandLine train = ToolkitCommand.commandLine(new ToolkitCommand(Map.of(), null))
                .getSubcommands()
                .get("train");
        for (Method method : TrainingRunBuilder.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(method.getModifiers())
                    || Modifier.isStatic(method.getModifiers())
                    || NOT_ON_THE_COMMAND_LINE.contains(method.getName())) {
                continue;
            }
            String option = OptionNames.of(method.getName());
            assertTrue(
                    train.getCommandSpec().findOption(option) != null,
                    "setting " + method.getName() + " is reported as " + option + ", which 'train' does not have");
        }
    }

    @Test
    void messagesNameTheOptionForTheSettingAndForTheSettingsTheRequirementRefersTo() {
        InvalidConfigurationException e =
                new InvalidConfigurationException("runDir", "runs/a", "already holds a run: enable {overwrite}");
        assertEquals("invalid value 'runs/a' for runDir: already holds a run: enable overwrite", e.getMessage());
        assertEquals(
                "invalid value 'runs/a' for --run-dir: already holds a run: enable --overwrite",
                OptionNames.message(e));
        InvalidConfigurationException pluginOption = new InvalidConfigurationException("hidden", "x", "expected {}");
        assertEquals("invalid value 'x' for hidden: expected {}", OptionNames.message(pluginOption));
    }
}
