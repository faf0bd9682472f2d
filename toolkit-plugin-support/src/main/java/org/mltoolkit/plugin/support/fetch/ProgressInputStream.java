package org.mltoolkit.plugin.support.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.mltoolkit.api.ProgressListener;

/** Passes reads through and reports the number of bytes read to a {@link ProgressListener#advance}. */
public final class ProgressInputStream extends FilterInputStream {
    private final ProgressListener progress;

    /** Reads from {@code in}; closing this stream closes {@code in}. */
    public ProgressInputStream(InputStream in, ProgressListener progress) {
        super(in);
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        int value = super.read();
        if (value >= 0) {
            progress.advance(1);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int count = super.read(buffer, offset, length);
        if (count > 0) {
            progress.advance(count);
        }
        return count;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            progress.advance(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
