package org.mltoolkit.plugin.support.fetch;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the short, one-line reasons that fetch messages and errors list per source. */
public final class SourceFailures {
    private SourceFailures() {}

    /** A one-line reason for {@code failure}, never empty; nothing is mutated. */
    public static String reason(Throwable failure) {
        String message =
                failure.getMessage() == null ? "" : failure.getMessage().strip();
        String reason;
        if (failure instanceof UnknownHostException) {
            reason = "unknown host " + message;
        } else if (failure instanceof SocketTimeoutException) {
            reason = "timed out" + (message.isEmpty() ? "" : " (" + message + ")");
        } else if (failure instanceof ConnectException) {
            reason = "cannot connect" + (message.isEmpty() ? "" : " (" + message + ")");
        } else if (failure instanceof FileAlreadyExistsException) {
            reason = "a file is in the way: " + message;
        } else if (failure instanceof NoSuchFileException) {
            reason = "no such file " + message;
        } else if (failure instanceof AccessDeniedException) {
            reason = "permission denied: " + message;
        } else if (message.isEmpty()) {
            reason = failure.getClass().getSimpleName();
        } else {
            reason = message;
        }
        return oneLine(reason);
    }

    /** Collapses every run of whitespace, line breaks included, to one space. */
    public static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
