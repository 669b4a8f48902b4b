package org.pruneaug.platforms;

import org.pruneaug.core.InvalidInputException;

/**
 * A latency model was asked about a shape, block or density its table does not cover. The search
 * reacts by profiling the missing shape; elsewhere it is a one-line error.
 */
public class OutsideMeasuredException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public OutsideMeasuredException(String message) {
        super(message);
    }
}
