package org.pruneaug.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.pruneaug.core.InvalidInputException;

class ModelsAndTrainingTest {
    static DataSplit data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
    }

    @Test
    void trainingLearnsAndIsReproducible() {
        TrainingBudget budget = TrainingBudget.epochs(1).withMaxBatches(60);
        LabeledImages train = data.train().head(4000);
        MultiLayerNetwork a = ZooModel.MLP.build(7);
        Evaluator.Accuracy untrained = Evaluator.evaluate(a, data.validation().head(1000));
        Trainer.Log log = Trainer.fit(a, train, budget, 11, Trainer.UpdateHook.NONE, "test");
        assertEquals(60, log.updates());
        Evaluator.Accuracy trained = Evaluator.evaluate(a, data.validation().head(1000));
        assertTrue(trained.accuracy() > 0.7 && trained.accuracy() > untrained.accuracy() + 0.3,
                untrained + " -> " + trained);
        assertTrue(trained.loss() < untrained.loss());

        MultiLayerNetwork b = ZooModel.MLP.build(7);
        Trainer.fit(b, train, budget, 11, Trainer.UpdateHook.NONE, "test");
        assertEquals(a.params(), b.params(), "same seeds, same weights");
    }

    @Test
    void budgetCountsUpdates() {
        assertEquals(860, TrainingBudget.epochs(1).totalBatches(55_000));
        assertEquals(86, TrainingBudget.epochs(1).withDataFraction(0.1).totalBatches(55_000));
        assertEquals(1720, TrainingBudget.epochs(2).totalBatches(55_000));
        assertEquals(100, TrainingBudget.epochs(2).withMaxBatches(100).totalBatches(55_000));
        assertThrows(InvalidInputException.class, () -> TrainingBudget.epochs(1).withDataFraction(0));
    }

    @Test
    void saveLoadRoundTripKeepsWeightsUpdaterAndMetadata() {
        MultiLayerNetwork net = ZooModel.LENET5.build(2);
        Trainer.fit(net, data.train().head(640), TrainingBudget.epochs(1), 3, Trainer.UpdateHook.NONE, "test");
        Path file = tmp.resolve("m.zip");
        ModelMetadata meta = ModelMetadata.empty().with("note", java.util.Map.of("k", 42));
        Models.save(net, file, meta);
        Models.Loaded back = Models.load(file);
        assertEquals(net.params(), back.network().params());
        assertEquals(net.getUpdater().getStateViewArray(), back.network().getUpdater().getStateViewArray());
        assertEquals(42, back.metadata().get("note", java.util.Map.class).orElseThrow().get("k"));
        var x = data.test().batch(null, 0, 16).getFeatures();
        assertArrayEquals(net.output(x).dup('c').data().asFloat(), back.network().output(x).dup('c').data().asFloat(), 0f);
        assertTrue(back.network().output(Nd4j.zeros(1, 784)).length() == 10);
    }

    @Test
    void rejectsFilesThatAreNotDl4jModels() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.zip"), "hello");
        Path otherZip = tmp.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(otherZip))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write(1);
        }
        for (Path p : new Path[] {text, otherZip, tmp.resolve("missing.zip"), tmp}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Models.load(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }
}
