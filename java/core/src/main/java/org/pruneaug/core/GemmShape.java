package org.pruneaug.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The GEMM a layer performs in the kernel's orientation: {@code Y[m x n] = W[m x k] * X[k x n]}.
 * Dense layer: m = out, k = in, n = batch. Convolution: m = out channels, k = in*kh*kw,
 * n = batch*outH*outW. Serialised as "MxKxN".
 */
public record GemmShape(int m, int k, int n) {
    public GemmShape {
        if (m <= 0 || k <= 0 || n <= 0) {
            throw new InvalidInputException("GEMM shape " + m + "x" + k + "x" + n + " must be positive in every dimension");
        }
    }

    @JsonCreator
    public static GemmShape parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        String[] parts = t.split("x", -1);
        if (parts.length != 3) {
            throw new InvalidInputException("malformed GEMM shape '" + text + "': expected MxKxN, e.g. 1024x1024x256");
        }
        try {
            return new GemmShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("malformed GEMM shape '" + text + "': expected MxKxN, e.g. 1024x1024x256");
        }
    }

    public static List<GemmShape> parseList(String text) {
        List<GemmShape> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("empty GEMM shape list '" + text + "'");
        }
        return out;
    }

    /** Multiply-adds x 2 of the dense product. */
    public double denseFlops() {
        return 2.0 * m * k * (double) n;
    }

    @JsonValue
    @Override
    public String toString() {
        return m + "x" + k + "x" + n;
    }
}
