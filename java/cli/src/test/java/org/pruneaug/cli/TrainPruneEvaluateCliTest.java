package org.pruneaug.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pruneaug.core.Json;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.TrainingRecord;
import org.pruneaug.pruning.PruningRecord;
import picocli.CommandLine;

/** The train, evaluate and prune commands end to end on a briefly trained MLP, and their error paths. */
class TrainPruneEvaluateCliTest {
    @TempDir
    static Path dir;
    static Path model;

    record Run(int exit, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = PruneAugCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @BeforeAll
    static void trainATinyModel() {
        model = dir.resolve("mlp.zip");
        Run r = run("train", "--model", "mlp", "--epochs", "1", "--max-batches", "30", "--out", model.toString());
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void trainRecordsHowTheModelWasTrained() {
        TrainingRecord t = TrainingRecord.of(Models.load(model).metadata()).orElseThrow();
        assertEquals("mlp", t.model());
        assertEquals(30, t.updates());
        assertTrue(t.test().accuracy() > 0.6, "30 updates already beat chance: " + t.test());
        assertEquals(10_000, t.test().count());
    }

    @Test
    void evaluatePrintsJson() throws IOException {
        Path out = dir.resolve("eval.json");
        assertEquals(0, run("evaluate", "--model", model.toString(), "--json", out.toString()).exit());
        JsonNode j = Json.MAPPER.readTree(out.toFile());
        assertEquals(10_000, j.get("images").asInt());
        assertTrue(j.get("accuracy").asDouble() > 0.6);
    }

    @Test
    void prunesWithALayerConfigFineTunesAndReports() throws IOException {
        Path config = Files.writeString(dir.resolve("layers.json"),
                "{\"layers\": [{\"layer\": \"out\", \"block\": \"2x2\", \"sparsity\": 0.5},"
                        + " {\"layer\": \"fc2\", \"block\": \"32x1\", \"sparsity\": 0.95}]}");
        Path out = dir.resolve("pruned.zip");
        Path report = dir.resolve("report.json");
        Run r = run("prune", "--model", model.toString(), "--method", "taylor", "--block", "4x4", "--sparsity", "0.9",
                "--layer-config", config.toString(), "--finetune-epochs", "1", "--finetune-batches", "5",
                "--out", out.toString(), "--json", report.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.MAPPER.readTree(report.toFile());
        assertEquals("taylor", j.get("method").asText());
        assertEquals(5, j.get("fineTuneUpdates").asInt());
        assertTrue(j.get("afterFineTune").get("test").get("accuracy").asDouble() > 0.25, "well above chance: " + j.get("afterFineTune"));
        assertTrue(j.get("beforeFineTune").get("validation").get("count").asInt() == 5000);
        PruningRecord rec = PruningRecord.of(Models.load(out).metadata()).orElseThrow();
        assertEquals("4x4", rec.layer("fc1").block().toString());
        assertEquals(0.9, rec.layer("fc1").actualSparsity(), 8.0 / (1024 * 784));
        assertEquals("32x1", rec.layer("fc2").block().toString());
        assertEquals(0.95, rec.layer("fc2").actualSparsity(), 16.0 / (1024 * 1024));
        assertEquals(0.5, rec.layer("out").actualSparsity(), 2.0 / 10240);
        assertEquals(3, j.get("layers").size());
    }

    @Test
    void badInputExitsWithTwoAndOverwritesNothing() throws IOException {
        Path out = Files.writeString(dir.resolve("keep.zip"), "previous result");
        Path notAModel = Files.writeString(dir.resolve("notes.zip"), "not a zip");
        Path unknownLayer = Files.writeString(dir.resolve("unknown.json"), "{\"layers\": [{\"layer\": \"conv9\", \"sparsity\": 0.5}]}");
        Path malformed = Files.writeString(dir.resolve("bad.json"), "{\"layers\": [");
        Path badBlock = Files.writeString(dir.resolve("block.json"), "[{\"layer\": \"fc1\", \"block\": \"3x3\", \"sparsity\": 0.5}]");
        String m = model.toString();
        String o = out.toString();
        String[][] cases = {
            {"train", "--model", "resnet", "--epochs", "1", "--out", o},
            {"train", "--model", "mlp", "--epochs", "1", "--out", o, "--data-dir", dir.resolve("nowhere").toString()},
            {"prune", "--model", m, "--method", "random", "--sparsity", "0.5", "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--sparsity", "1.0", "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--sparsity", "-0.1", "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--sparsity", "0.5", "--block", "3x3", "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--sparsity", "0.5", "--block", "64x1", "--out", o},
            {"prune", "--model", notAModel.toString(), "--method", "gmp", "--sparsity", "0.5", "--out", o},
            {"prune", "--model", dir.resolve("missing.zip").toString(), "--method", "gmp", "--sparsity", "0.5", "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--layer-config", unknownLayer.toString(), "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--layer-config", malformed.toString(), "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--layer-config", badBlock.toString(), "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--out", o},
            {"prune", "--model", m, "--method", "magnitude", "--sparsity", "0.5", "--out", dir.toString()},
            {"evaluate", "--model", notAModel.toString()},
        };
        for (String[] c : cases) {
            Run r = run(c);
            assertEquals(2, r.exit(), String.join(" ", c) + "\n" + r.err());
            assertTrue(r.err().startsWith("pruneaug: error: ") && r.err().strip().lines().count() <= 2,
                    "one clear line: " + r.err());
            assertArrayEquals("previous result".getBytes(), Files.readAllBytes(out), String.join(" ", c));
        }
        assertTrue(run(cases[1]).err().contains("dataset-fashion-mnist"));
        assertTrue(run(cases[9]).err().contains("conv9"));
    }
}
