import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/**
 * A plain Tribuo application around the README's ToolkitModels: reads images (one line of space-separated pixels
 * each), predicts them with models the toolkit wrote, and prints, for each model, a line {@code == MODEL} and then
 * one line per image: the predicted label and the score of every class in the order given. Compiled and run, with
 * Tribuo's jars only, by PlainTribuoApplicationTest.
 *
 * <p>Arguments: {@code PIXELS CLASSES MODEL...}; CLASSES is comma-separated; a MODEL is {@code tribuo:FILE} for a
 * file of export --tribuo or {@code onnx:FILE:CHANNELS:HEIGHT:WIDTH:IMAGE} for a file of export --onnx.
 */
public final class PredictDigits {
    public static void main(String[] args) throws Exception {
        List<String> classes = Arrays.asList(args[1].split(","));
        List<Example<Label>> examples = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] values = line.trim().split(" ");
            float[] pixels = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                pixels[i] = Float.parseFloat(values[i]);
            }
            examples.add(ToolkitModels.example(pixels));
        }
        for (String job : Arrays.asList(args).subList(2, args.length)) {
            String[] parts = job.split(":");
            Model<Label> model = parts[0].equals("tribuo")
                    ? ToolkitModels.load(Path.of(parts[1]))
                    : ToolkitModels.loadOnnx(
                            Path.of(parts[1]),
                            classes,
                            Integer.parseInt(parts[2]),
                            Integer.parseInt(parts[3]),
                            Integer.parseInt(parts[4]),
                            Boolean.parseBoolean(parts[5]));
            System.out.println("== " + job);
            for (Prediction<Label> p : model.predict(examples)) {
                StringBuilder line = new StringBuilder(p.getOutput().getLabel());
                for (String c : classes) {
                    line.append(String.format(Locale.ROOT, " %.9g", p.getOutputScores().get(c).getScore()));
                }
                System.out.println(line);
            }
            if (model instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
