package org.pruneaug.core;

/**
 * Something the user gave us is wrong (a file, a shape, an option). The CLI prints the message as
 * one line and exits with code 2; the message must name the offending input and, where possible,
 * say what would be accepted.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
