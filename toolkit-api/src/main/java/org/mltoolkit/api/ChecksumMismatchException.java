package org.mltoolkit.api;

import java.nio.file.Path;

/** A file whose SHA-256 is not the expected one. Nothing is moved into place when this is thrown. */
public class ChecksumMismatchException extends DataFormatException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String actual;

    public ChecksumMismatchException(Path file, String expected, String actual) {
        super(file, "SHA-256 mismatch: expected " + expected + " but got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public String getExpected() {
        return expected;
    }

    public String getActual() {
        return actual;
    }
}
