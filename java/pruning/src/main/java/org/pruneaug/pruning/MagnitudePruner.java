package org.pruneaug.pruning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.PrunableLayer;

/** One-shot magnitude pruning (Han et al. 2015): importance = |w|, final masks from the start. */
public class MagnitudePruner implements Pruner {
    @Override
    public String id() {
        return "magnitude";
    }

    @Override
    public Map<String, float[]> scores(MultiLayerNetwork net, List<PrunableLayer> layers, LabeledImages data, long seed) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (PrunableLayer l : layers) {
            out.put(l.name(), magnitudes(GemmView.weights(net, l)));
        }
        return out;
    }

    static float[] magnitudes(float[] w) {
        float[] s = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            s[i] = Math.abs(w[i]);
        }
        return s;
    }
}
