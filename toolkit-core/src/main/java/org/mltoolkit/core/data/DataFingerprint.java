package org.mltoolkit.core.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.LabeledData;

/**
 * What data a run trained on, as the SHA-256 of each split's decoded examples: shape, class count, labels and
 * features (the bits of each float). Every dataset gives them, whatever its files, and the same examples give the
 * same digests however they were stored; a relabelled, reordered or replaced example changes them. Training
 * runs record it in {@code config.json} and every checkpoint, so that a resume on other data is refused and an
 * evaluation can say whether it scored the data the model was tested with.
 *
 * @param train the training split's digest, 64 lower-case hex digits
 * @param test  the test split's digest
 */
public record DataFingerprint(String train, String test) {
    /** The hex digits shown to people: enough to tell data apart at a glance. */
    public static final int SHORT_LENGTH = 12;

    private static final int CHUNK_FLOATS = 1 << 14;

    public DataFingerprint {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    /** The digests of both splits of {@code splits}; reads the data, mutates nothing. */
    public static DataFingerprint of(DatasetSplits splits) {
        return new DataFingerprint(digest(splits.train()), digest(splits.test()));
    }

    /** The SHA-256 of one split's shape, class count, labels and features, as 64 hex digits. */
    public static String digest(LabeledData data) {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(data.shape().channels())
                .putInt(data.shape().height())
                .putInt(data.shape().width())
                .putInt(data.numClasses())
                .putInt(data.size());
        sha.update(buffer.array(), 0, buffer.position());
        int[] labels = data.labels();
        for (int offset = 0; offset < labels.length; offset += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, labels.length - offset);
            buffer.clear();
            buffer.asIntBuffer().put(labels, offset, n);
            sha.update(buffer.array(), 0, n * Integer.BYTES);
        }
        // The features' floats in order, a few examples at a time: the digest reads the values, not how they are
        // stored, so data kept as bytes hashes as its floats always did.
        int exampleSize = data.shape().size();
        int perChunk = Math.max(1, CHUNK_FLOATS / Math.max(1, exampleSize));
        float[] features = new float[perChunk * exampleSize];
        ByteBuffer floatBytes =
                ByteBuffer.allocate(features.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < data.size(); first += perChunk) {
            int n = Math.min(perChunk, data.size() - first);
            data.copyRange(first, n, features, 0);
            floatBytes.clear();
            floatBytes.asFloatBuffer().put(features, 0, n * exampleSize);
            sha.update(floatBytes.array(), 0, n * exampleSize * Float.BYTES);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The first {@link #SHORT_LENGTH} hex digits of {@code digest}. */
    public static String shortForm(String digest) {
        return digest.substring(0, Math.min(SHORT_LENGTH, digest.length()));
    }

    /** Both digests, shortened, for one line: {@code train 1a2b3c4d5e6f, test 0f1e2d3c4b5a}. */
    @JsonIgnore
    public String shortText() {
        return "train " + shortForm(train) + ", test " + shortForm(test);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
