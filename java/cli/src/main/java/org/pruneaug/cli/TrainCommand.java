package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.Hardware;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.Provenance;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.ModelMetadata;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.Nd4jSettings;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.dl4j.TrainingRecord;
import org.pruneaug.dl4j.ZooModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model on Fashion-MNIST (train split; validation accuracy after each epoch, "
                + "test accuracy at the end) and save it as a DL4J model zip.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "mlp, lenet5 or vgg.")
    String model;

    @Option(names = "--epochs", required = true, paramLabel = "E", description = "Passes over the training split.")
    int epochs;

    @Option(names = "--out", required = true, paramLabel = "M.zip", description = "Where to write the model.")
    Path out;

    @Option(names = "--batch", paramLabel = "B", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch = TrainingBudget.DEFAULT_BATCH;

    @Option(names = "--seed", description = "Seed of the weights and the example order (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--max-batches", paramLabel = "N", description = "Stop after N updates in all (0 = no cap).")
    int maxBatches;

    @Option(names = "--continue", paramLabel = "M.zip",
            description = "Continue training this model (same architecture, Adam state and schedule) instead of a fresh one.")
    Path from;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the training record as JSON.")
    Path json;

    @Override
    public Integer call() {
        ZooModel zoo = ZooModel.parse(model);
        TrainingBudget budget = TrainingBudget.epochs(1).withBatchSize(batch);
        if (epochs < 1) {
            throw new InvalidInputException("--epochs " + epochs + " must be >= 1");
        }
        CliFiles.checkWritable(out, "--out");
        MultiLayerNetwork net = from == null ? zoo.build(seed) : Models.load(from).network();
        DataSplit split = data.load();
        int done = net.getLayerWiseConfigurations().getEpochCount();
        long updates = 0;
        double seconds = 0;
        Evaluator.Accuracy val = null;
        for (int e = 0; e < epochs && (maxBatches == 0 || updates < maxBatches); e++) {
            TrainingBudget thisEpoch = maxBatches == 0 ? budget : budget.withMaxBatches((int) (maxBatches - updates));
            Trainer.Log log = Trainer.fit(net, split.train(), thisEpoch, seed + done + e, Trainer.UpdateHook.NONE,
                    "train " + zoo.id() + " epoch " + (done + e + 1));
            net.getLayerWiseConfigurations().setEpochCount(done + e + 1);
            updates += log.updates();
            seconds += log.seconds();
            val = Evaluator.evaluate(net, split.validation());
            System.out.printf(Locale.ROOT, "epoch %d: %.1f s, validation accuracy %.4f loss %.4f%n", done + e + 1,
                    log.seconds(), val.accuracy(), val.loss());
        }
        Evaluator.Accuracy test = Evaluator.evaluate(net, split.test());
        System.out.printf(Locale.ROOT, "test accuracy %.4f loss %.4f (%d images)%n", test.accuracy(), test.loss(), test.count());
        TrainingRecord record = new TrainingRecord(zoo.id(), seed, net.getLayerWiseConfigurations().getEpochCount(), batch,
                net.getIterationCount(), seconds, val, test, Nd4jSettings.here(), Provenance.now(Hardware.host()));
        Models.save(net, out, ModelMetadata.empty().with(TrainingRecord.SECTION, record));
        if (json != null) {
            Json.write(json, record);
        }
        System.out.println("wrote " + out);
        return PruneAugCli.EXIT_OK;
    }
}
