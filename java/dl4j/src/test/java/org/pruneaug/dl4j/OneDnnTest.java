package org.pruneaug.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class OneDnnTest {
    @Test
    void theProjectRunsTheOneDnnBuildOfNd4j() {
        assertTrue(OneDnn.available(), "the parent pom selects nd4j-native's linux-x86_64-onednn-avx2 natives");
    }

    @Test
    void oneDnnLayersComputeWhatDl4jsBuiltInPathComputes() {
        MultiLayerNetwork fast = ZooModel.VGG.build(4);
        MultiLayerNetwork builtIn = fast.clone();
        DataSet batch = FashionMnist.test(FashionMnist.DEFAULT_DIR).batch(null, 0, 32);
        double out = fast.output(batch.getFeatures()).sub(builtIn.output(batch.getFeatures())).amaxNumber().doubleValue();
        assertTrue(out < 1e-5, "outputs differ by " + out);
        for (int i = 0; i < 3; i++) {
            fast.fit(batch);
            builtIn.fit(batch);
        }
        double params = fast.params().sub(builtIn.params()).amaxNumber().doubleValue();
        assertTrue(params < 1e-4, "after 3 updates the weights differ by " + params);
    }
}
