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
    void cosineScheduleDecaysToZeroAndRestoresTheRate() {
        TrainingBudget cosine = TrainingBudget.epochs(1).withLearningRate(1e-3).withCosine(true);
        assertEquals(1e-3, cosine.rateAt(1e-3, 0, 100), 1e-12);
        assertEquals(0.5e-3, cosine.rateAt(1e-3, 50, 100), 1e-12);
        assertTrue(cosine.rateAt(1e-3, 99, 100) < 1e-6);
        assertEquals(1e-3, TrainingBudget.epochs(1).rateAt(1e-3, 99, 100), 1e-12, "constant by default");
        assertThrows(InvalidInputException.class, () -> TrainingBudget.epochs(1).withDistill(1.0));
        assertThrows(InvalidInputException.class, () -> TrainingBudget.epochs(1).withDistill(-0.1));

        MultiLayerNetwork net = ZooModel.MLP.build(3);
        double[] seen = new double[3];
        Trainer.fit(net, data.train().head(640), cosine.withMaxBatches(10), 1, (n, step, total) -> {
            if (step == 1 || step == 5 || step == 10) {
                seen[step == 1 ? 0 : step == 5 ? 1 : 2] = n.getLearningRate(0);
            }
        }, "test");
        // the hook runs after update `step`, whose rate was set for step - 1 of 10
        assertEquals(1e-3, seen[0], 1e-9);
        assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 4 / 10)), seen[1], 1e-9);
        assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 9 / 10)), seen[2], 1e-9);
        assertEquals(1e-3, net.getLearningRate(0), 1e-12, "the base rate is back after the run");
    }

    @Test
    void teacherProbabilitiesMixIntoTheTargets() {
        LabeledImages images = data.train().head(8);
        float[] teacher = new float[8 * LabeledImages.CLASSES];
        java.util.Arrays.fill(teacher, 0.1f);
        LabeledImages mixed = images.withTeacher(teacher, 0.4);
        assertEquals(0.4, mixed.teacherWeight(), 1e-6);
        assertEquals(0.0, images.teacherWeight());
        float[] t = mixed.batch(null, 0, 8).getLabels().dup('c').data().asFloat();
        for (int i = 0; i < 8; i++) {
            float sum = 0;
            for (int c = 0; c < LabeledImages.CLASSES; c++) {
                float expect = 0.04f + (c == images.label(i) ? 0.6f : 0f);
                assertEquals(expect, t[i * LabeledImages.CLASSES + c], 1e-6);
                sum += t[i * LabeledImages.CLASSES + c];
            }
            assertEquals(1f, sum, 1e-5, "targets stay a distribution");
        }
        // selections carry each image's own teacher row
        teacher[3 * LabeledImages.CLASSES] = 0.9f;
        LabeledImages picked = images.withTeacher(teacher, 0.5).select(new int[] {3});
        assertEquals(0.45f + (images.label(3) == 0 ? 0.5f : 0f), picked.batch(null, 0, 1).getLabels().getFloat(0, 0), 1e-6);
        assertEquals(0.0, mixed.withoutTeacher().teacherWeight());
        assertArrayEquals(images.batch(null, 0, 8).getLabels().dup('c').data().asFloat(),
                mixed.withoutTeacher().batch(null, 0, 8).getLabels().dup('c').data().asFloat());
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
