package org.pruneaug.dl4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;
import org.pruneaug.core.InvalidInputException;

/**
 * The networks PruneAug ships, all taking Fashion-MNIST as flat 784-float rows. Layer names are
 * stable (they key layer configs, masks and search results). Weights are initialised from the seed.
 */
public enum ZooModel {
    /** 784-1024-1024-10: two large dense GEMMs (1024 x 784, 1024 x 1024). */
    MLP("mlp", "784-1024-1024-10 multilayer perceptron"),
    /** LeNet-5 class (Caffe's variant: 20 and 50 5x5 filters, 500 hidden): conv2 is 50 x 500. */
    LENET5("lenet5", "LeNet-5 class CNN: conv5x5-20, pool, conv5x5-50, pool, dense 500, dense 10"),
    /**
     * VGG-style: three 3x3 conv stages of 32, 64, 128 channels, each followed by 2x2 max pooling,
     * then a dense 256 head. One conv per stage keeps an epoch to minutes on 2 cores while conv3's
     * GEMM (128 x 576 x 49 per image) is large enough for sparse kernels to matter.
     */
    VGG("vgg", "VGG-style CNN: 3x3 conv 32-64-128 (each + 2x2 max pool), dense 256, dense 10");

    public static final double LEARNING_RATE = 1e-3;
    /** Adam's rate halves every this many updates (two epochs of the 55000 training images at batch 64). */
    public static final int LEARNING_RATE_HALF_LIFE = 1720;

    private final String id;
    private final String description;

    ZooModel(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public static ZooModel parse(String name) {
        for (ZooModel m : values()) {
            if (m.id.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return m;
            }
        }
        throw new InvalidInputException("unknown model '" + name + "': expected one of "
                + Arrays.stream(values()).map(ZooModel::id).collect(Collectors.joining(", ")));
    }

    /** A freshly initialised network; the same seed gives the same weights. */
    public MultiLayerNetwork build(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(seed));
        net.init();
        return OneDnn.attach(net);
    }

    public MultiLayerConfiguration configuration(long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new Adam(new StepSchedule(ScheduleType.ITERATION, LEARNING_RATE, 0.5, LEARNING_RATE_HALF_LIFE)))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        switch (this) {
            case MLP -> b.layer(dense("fc1", 1024)).layer(dense("fc2", 1024));
            case LENET5 -> b.layer(conv("conv1", 5, 20, ConvolutionMode.Truncate)).layer(pool("pool1"))
                    .layer(conv("conv2", 5, 50, ConvolutionMode.Truncate)).layer(pool("pool2"))
                    .layer(dense("fc1", 500));
            case VGG -> b.layer(conv("conv1", 3, 32, ConvolutionMode.Same)).layer(pool("pool1"))
                    .layer(conv("conv2", 3, 64, ConvolutionMode.Same)).layer(pool("pool2"))
                    .layer(conv("conv3", 3, 128, ConvolutionMode.Same)).layer(pool("pool3"))
                    .layer(dense("fc1", 256));
            default -> throw new IllegalStateException(name());
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out")
                .nOut(LabeledImages.CLASSES).activation(Activation.SOFTMAX).build());
        InputType input = this == MLP ? InputType.feedForward(LabeledImages.PIXELS)
                : InputType.convolutionalFlat(FashionMnist.ROWS, FashionMnist.COLS, 1);
        return b.setInputType(input).build();
    }

    private static DenseLayer dense(String name, int out) {
        return new DenseLayer.Builder().name(name).nOut(out).activation(Activation.RELU).build();
    }

    private static ConvolutionLayer conv(String name, int kernel, int out, ConvolutionMode mode) {
        return new ConvolutionLayer.Builder(kernel, kernel).name(name).nOut(out).stride(1, 1)
                .convolutionMode(mode).activation(Activation.RELU).build();
    }

    private static SubsamplingLayer pool(String name) {
        return new SubsamplingLayer.Builder(PoolingType.MAX).name(name).kernelSize(2, 2).stride(2, 2).build();
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
