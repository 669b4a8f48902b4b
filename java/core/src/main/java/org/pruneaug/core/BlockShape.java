package org.pruneaug.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A pruning / kernel block of {@code rows x cols} weights of a layer's GEMM view. 1x1 is
 * unstructured. Serialised as the string "RxC".
 */
public record BlockShape(int rows, int cols) implements Comparable<BlockShape> {
    /** Block edge lengths the kernels and the pruners support. */
    public static final List<Integer> SUPPORTED_DIMS = List.of(1, 2, 4, 8, 16, 32);

    public static final BlockShape UNSTRUCTURED = new BlockShape(1, 1);

    public BlockShape {
        if (!SUPPORTED_DIMS.contains(rows) || !SUPPORTED_DIMS.contains(cols)) {
            throw new InvalidInputException("block shape " + rows + "x" + cols
                    + " is not supported: rows and cols must each be one of " + SUPPORTED_DIMS);
        }
    }

    /** Parses "8x8" (also "8X8"). */
    @JsonCreator
    public static BlockShape parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        String[] parts = t.split("x", -1);
        if (parts.length != 2) {
            throw new InvalidInputException("malformed block shape '" + text + "': expected RxC, e.g. 8x8");
        }
        try {
            return new BlockShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("malformed block shape '" + text + "': expected RxC, e.g. 8x8");
        }
    }

    /** Parses a comma-separated list "1x1,4x4,8x8". */
    public static List<BlockShape> parseList(String text) {
        List<BlockShape> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                BlockShape b = parse(part);
                if (!out.contains(b)) {
                    out.add(b);
                }
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("empty block shape list '" + text + "'");
        }
        return out;
    }

    /** Every supported shape, 36 of them, in (rows, cols) order. */
    public static List<BlockShape> all() {
        List<BlockShape> out = new ArrayList<>();
        for (int r : SUPPORTED_DIMS) {
            for (int c : SUPPORTED_DIMS) {
                out.add(new BlockShape(r, c));
            }
        }
        return out;
    }

    public int size() {
        return rows * cols;
    }

    public boolean isUnstructured() {
        return rows == 1 && cols == 1;
    }

    /**
     * True when every mask {@code other} can express can also be expressed by this shape, i.e. this
     * block tiles {@code other}'s (finer or equal in both directions). 1x1 is finer than everything.
     */
    public boolean isFinerOrEqual(BlockShape other) {
        return other.rows % rows == 0 && other.cols % cols == 0;
    }

    @JsonValue
    @Override
    public String toString() {
        return rows + "x" + cols;
    }

    @Override
    public int compareTo(BlockShape o) {
        return rows != o.rows ? Integer.compare(rows, o.rows) : Integer.compare(cols, o.cols);
    }
}
