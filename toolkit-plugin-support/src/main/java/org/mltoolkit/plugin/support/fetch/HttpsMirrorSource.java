package org.mltoolkit.plugin.support.fetch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.mltoolkit.api.ProgressListener;

/**
 * A web mirror that serves the files gzipped as {@code <base>NAME.gz}, the layout of the public MNIST and
 * Fashion-MNIST mirrors. Connecting and each read time out after a short, fixed time, so an unreachable
 * mirror fails fast; once a mirror could not be reached, the rest of the same fetch skips it.
 */
public final class HttpsMirrorSource implements FileSource {
    /** How long connecting, and then each read, may take by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final Duration timeout;

    /**
     * @param base    the mirror's directory, ending in {@code /}
     * @param timeout the connect timeout and the read timeout
     * Throws IllegalArgumentException when {@code base} does not end in {@code /}.
     */
    public HttpsMirrorSource(URI base, Duration timeout) {
        this.base = Objects.requireNonNull(base, "base");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (!base.toString().endsWith("/")) {
            throw new IllegalArgumentException("a mirror's base must end in '/': " + base);
        }
    }

    /** The mirror at {@code base} (ending in {@code /}) with the default timeout. */
    public HttpsMirrorSource(String base) {
        this(URI.create(base), DEFAULT_TIMEOUT);
    }

    @Override
    public String description() {
        return "mirror " + base;
    }

    @Override
    public Session open(ProgressListener progress) {
        return new Session() {
            private String unreachable;

            @Override
            public Delivery copyTo(ExpectedFile file, Path target) throws IOException {
                if (unreachable != null) {
                    throw new IOException("skipped: unreachable earlier in this fetch (" + unreachable + ")");
                }
                try {
                    return download(file, target, progress);
                } catch (UnknownHostException | ConnectException | NoRouteToHostException | SocketTimeoutException e) {
                    unreachable = SourceFailures.reason(e);
                    throw e;
                }
            }

            @Override
            public void close() {
                // Nothing held.
            }
        };
    }

    private Delivery download(ExpectedFile file, Path target, ProgressListener progress) throws IOException {
        URL url = base.resolve(file.name() + ".gz").toURL();
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        connection.setConnectTimeout(timeoutMillis);
        connection.setReadTimeout(timeoutMillis);
        connection.setInstanceFollowRedirects(true);
        connection.setRequestProperty("Accept-Encoding", "identity");
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("HTTP " + status + " for " + url);
            }
            ContentCopy.copy(
                    "download " + file.name() + ".gz",
                    connection.getContentLengthLong(),
                    connection.getInputStream(),
                    url.toString(),
                    true,
                    file,
                    target,
                    progress);
            return new Delivery(url.toString(), null);
        } finally {
            connection.disconnect();
        }
    }
}
