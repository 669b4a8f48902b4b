package org.pruneaug.inference;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pruneaug.dl4j.LabeledImages;

/**
 * How closely the sparse runtime reproduces DL4J on the same (masked) network: the fraction of
 * images with the same predicted class, and the largest difference of any class probability.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Agreement(int images, double argmaxAgreement, double maxAbsDiff) {
    /** Runs both on {@code data} in batches of the compiled network's size. */
    public static Agreement check(SparseNetwork sparse, MultiLayerNetwork net, LabeledImages data, int threads) {
        int batch = sparse.batch();
        int agree = 0;
        double maxDiff = 0;
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch);
            INDArray features = data.batch(null, from, to).getFeatures();
            float[] ours = sparse.predict(features.dup('c').data().asFloat(), to - from, threads);
            float[] ref = net.output(features).dup('c').data().asFloat();
            int classes = ref.length / (to - from);
            for (int i = 0; i < to - from; i++) {
                agree += argmax(ours, i, classes) == argmax(ref, i, classes) ? 1 : 0;
            }
            for (int i = 0; i < ref.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref[i]));
            }
        }
        return new Agreement(data.size(), (double) agree / data.size(), maxDiff);
    }

    private static int argmax(float[] rows, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (rows[row * classes + c] > rows[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}
