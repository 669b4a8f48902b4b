package org.pruneaug.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.nativ.Kernels;
import org.pruneaug.platforms.PreparedGemm;

/**
 * Turns a MultiLayerNetwork into {@link SparseNetwork} steps. Supported: 2D convolutions (any
 * kernel/stride/padding, dilation 1), max pooling without padding, batch normalisation right after a
 * convolution or dense layer without activation (folded), ReLU activation layers (fused), dropout
 * (a no-op at inference), dense layers and a softmax output layer. Anything else is refused with a
 * message naming the layer.
 */
final class NetworkCompiler {
    private final MultiLayerNetwork net;
    private final Function<PrunableLayer, Placement> placement;
    private final int batch;
    private final Execution exec;
    private final Map<Integer, PrunableLayer> prunable = new HashMap<>();
    private final List<SparseNetwork.Step> steps = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Padding of every grid: the largest reach of a convolution that may run as implicit GEMM. */
    private final int pad;

    private int classes = -1;
    private boolean softmax;

    // the current activation: a grid, or a features x batch matrix
    private Grid grid;
    private FloatPointer gridData;
    /** The grid's padding holds garbage (an implicit GEMM wrote it); only implicit GEMMs read padding. */
    private boolean paddingDirty;
    /**
     * The ISA of the registry kernel that wrote the grid ("auto" after the input or a library GEMM): the
     * pooling after it runs that ISA's code, so a platform is timed with its own code throughout.
     */
    private String gridIsa = "auto";
    private int features;
    private FloatPointer featureData;

    /** A GEMM layer whose weights/epilogue may still change (BN folding, ReLU fusion) before it is emitted. */
    private Pending pending;

    private record Pending(int index, PrunableLayer layer, Layer conf, float[] weights, float[] bias, boolean relu) {
        Pending with(float[] w, float[] b, boolean r) {
            return new Pending(index, layer, conf, w, b, r);
        }
    }

    NetworkCompiler(MultiLayerNetwork net, Function<PrunableLayer, Placement> placement, int batch, Execution exec) {
        this.net = net;
        this.placement = placement;
        this.batch = batch;
        this.exec = exec;
        for (PrunableLayer l : GemmView.layers(net)) {
            prunable.put(l.index(), l);
        }
        int reach = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            if (conf(i) instanceof ConvolutionLayer c && implicitEligible(c)) {
                reach = Math.max(reach, Math.max((c.getKernelSize()[0] - 1) / 2, (c.getKernelSize()[1] - 1) / 2));
            }
        }
        this.pad = reach;
    }

    private Layer conf(int i) {
        return net.getLayer(i).conf().getLayer();
    }

    private static String name(Layer conf, int i) {
        return conf.getLayerName() == null ? "layer" + i : conf.getLayerName();
    }

    /** Stride 1, "same" mode, odd kernel, no dilation: the grid layout can feed it without im2col. */
    static boolean implicitEligible(ConvolutionLayer c) {
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        return c.getConvolutionMode() == ConvolutionMode.Same && s[0] == 1 && s[1] == 1 && k[0] % 2 == 1
                && k[1] % 2 == 1 && d[0] == 1 && d[1] == 1;
    }

    SparseNetwork compile() {
        FloatPointer input = null;
        int inputFeatures = -1;
        try {
            InputPreProcessor pre0 = net.getLayerWiseConfigurations().getInputPreProcess(0);
            inputFeatures = inputSizeOf(pre0, conf(0), prunable.get(0));
            input = own(GridOps.zeroed((long) batch * inputFeatures));
            FloatPointer output;
            int split = microBatchSplit();
            if (split > 0) {
                FloatPointer[] out = new FloatPointer[1];
                steps.add(compileMicroBatched(split, input, inputFeatures, out));
                output = out[0];
            } else {
                for (int i = 0; i < net.getnLayers(); i++) {
                    emitLayer(i, input, inputFeatures, false);
                }
                output = own(GridOps.zeroed((long) batch * requireOutputLayer()));
                emitOutput(classes, softmax, output);
            }
            return new SparseNetwork(batch, inputFeatures, classes, input, output, List.copyOf(steps), List.copyOf(resources));
        } catch (RuntimeException e) {
            new SparseNetwork(batch, 0, 0, null, null, List.copyOf(steps), List.copyOf(resources)).close();
            throw e;
        }
    }

    /** Layer {@code i}: its input preprocessor (unless {@code flattened} already), then the layer itself. */
    private void emitLayer(int i, FloatPointer input, int inputFeatures, boolean flattened) {
        Layer conf = conf(i);
        String name = name(conf, i);
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
        if (i == 0) {
            emitInput(pre, conf, input, inputFeatures);
        } else if (pre != null && !flattened) {
            applyPreProcessor(pre, name);
        }
        if (conf instanceof BatchNormalization) {
            foldBatchNorm(i, name);
        } else if (conf instanceof ActivationLayer a) {
            fuseActivation(a.getActivationFn(), name);
        } else if (conf instanceof DropoutLayer) {
            return; // identity at inference
        } else {
            Placement fused = conf instanceof SubsamplingLayer s && conf.getClass() == SubsamplingLayer.class
                    ? fusedPlacement(s) : null;
            if (fused != null) {
                emitConvPool(fused, name);
                return;
            }
            flushPending();
            if (conf instanceof ConvolutionLayer c && conf.getClass() == ConvolutionLayer.class) {
                pending = gemmLayer(i, c.getActivationFn(), name);
            } else if (conf instanceof SubsamplingLayer s && conf.getClass() == SubsamplingLayer.class) {
                emitPool(s, name);
            } else if (conf instanceof OutputLayer o) {
                pending = gemmLayer(i, o.getActivationFn(), name);
                classes = prunable.get(i).rows();
                softmax = o.getActivationFn() instanceof ActivationSoftmax;
            } else if (conf instanceof DenseLayer d) {
                pending = gemmLayer(i, d.getActivationFn(), name);
            } else {
                throw unsupported(name, conf.getClass().getSimpleName() + " layers");
            }
        }
    }

    // ---- micro-batched schedule ----------------------------------------------------------------

    /**
     * The layer whose input is the flatten that ends the convolutional part, when the schedule is
     * micro-batched and the network has such a part; -1 for layer by layer. Networks with a layer on a
     * GPU platform stay layer by layer: a GPU wants the whole batch per call.
     */
    private int microBatchSplit() {
        if (!exec.microBatched() || exec.microBatch() >= batch || batch % exec.microBatch() != 0
                || !(net.getLayerWiseConfigurations().getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor)) {
            return -1;
        }
        for (PrunableLayer l : prunable.values()) {
            if (placement.apply(l).platform().descriptor().implementation().contains("cuda")) {
                return -1;
            }
        }
        for (int i = 1; i < net.getnLayers(); i++) {
            if (net.getLayerWiseConfigurations().getInputPreProcess(i) instanceof CnnToFeedForwardPreProcessor) {
                return i;
            }
        }
        return -1;
    }

    /** Flushes the last layer and returns the classes of the OutputLayer the network must end in. */
    private int requireOutputLayer() {
        flushPending();
        if (classes < 0 || featureData == null) {
            throw new InvalidInputException("the model does not end in a dense OutputLayer: sparse inference needs one");
        }
        return classes;
    }

    /**
     * The whole network compiled once per lane, each lane with its own buffers and prepared GEMMs:
     * layers [0, split) for one micro-batch, ending in a flatten into its chunk's columns of a lane-local
     * features x chunk matrix, then layers [split, end) and the softmax on that chunk, written into
     * the chunk's rows of the network's output (allocated into out[0]).
     */
    private MicroBatchStep compileMicroBatched(int split, FloatPointer input, int inputFeatures, FloatPointer[] out) {
        int mb = exec.microBatch();
        int chunk = Execution.chunkImages(batch, mb, exec.lanes());
        List<MicroBatchStep.Lane> lanes = new ArrayList<>();
        try {
            for (int lane = 0; lane < exec.lanes(); lane++) {
                NetworkCompiler head = new NetworkCompiler(net, placement, mb, Execution.LAYER_BY_LAYER);
                NetworkCompiler tail = new NetworkCompiler(net, placement, chunk, Execution.LAYER_BY_LAYER);
                lanes.add(head.compileLane(split, new FloatPointer(input), inputFeatures, tail, out, batch));
                classes = tail.classes;
            }
        } catch (RuntimeException e) {
            lanes.forEach(MicroBatchStep.Lane::close);
            if (out[0] != null) {
                out[0].close();
            }
            throw e;
        }
        own(out[0]);
        return new MicroBatchStep(lanes, batch / mb, mb, chunk / mb, inputFeatures);
    }

    /**
     * One lane: layers [0, split) here, on {@code mb} images read from {@code laneInput} and flattened
     * into a features x chunk matrix; the rest in {@code tail} (compiled for a chunk of images), its
     * softmax writing into a view of out[0] (batch x classes, allocated by the first lane).
     */
    private MicroBatchStep.Lane compileLane(int split, FloatPointer laneInput, int inputFeatures, NetworkCompiler tail,
            FloatPointer[] out, int fullBatch) {
        try {
            resources.add(laneInput);
            for (int i = 0; i < split; i++) {
                emitLayer(i, laneInput, inputFeatures, false);
            }
            flushPending();
            String name = name(conf(split), split);
            requireGrid(name);
            Grid g = grid;
            FloatPointer src = gridData;
            int f = g.featuresPerImage();
            int chunk = tail.batch;
            FloatPointer flat = own(GridOps.zeroed((long) f * chunk));
            FloatPointer dst = own(new FloatPointer(flat));
            steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(name + "/flatten", OpInfo.Kind.FLATTEN, null),
                    t -> GridOps.flatten(g, src, dst, chunk, t)));
            tail.setFeatures(f, flat);
            for (int i = split; i < net.getnLayers(); i++) {
                tail.emitLayer(i, null, 0, i == split);
            }
            int classes = tail.requireOutputLayer();
            if (out[0] == null) {
                out[0] = GridOps.zeroed((long) fullBatch * classes);
            }
            FloatPointer laneOutput = tail.own(new FloatPointer(out[0]));
            tail.emitOutput(classes, tail.softmax, laneOutput);
            List<AutoCloseable> all = new ArrayList<>(resources);
            all.addAll(tail.resources);
            return new MicroBatchStep.Lane(List.copyOf(steps), List.copyOf(tail.steps), all, laneInput, dst,
                    laneOutput, classes);
        } catch (RuntimeException e) {
            new MicroBatchStep.Lane(List.copyOf(steps), List.copyOf(tail.steps), List.copyOf(resources), laneInput,
                    null, null, 0).close();
            SparseNetwork.closeAll(List.of(), tail.resources);
            throw e;
        }
    }

    private static int inputSizeOf(InputPreProcessor pre, Layer conf, PrunableLayer first) {
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            return Math.toIntExact(p.getNumChannels() * p.getInputHeight() * p.getInputWidth());
        }
        if (pre == null && first != null && first.kind() == PrunableLayer.Kind.DENSE) {
            return first.cols();
        }
        throw unsupported(name(conf, 0), "an input that is neither flat images for a convolution nor features for a"
                + " dense layer");
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    // ---- input / relayouts -------------------------------------------------------------------

    private void emitInput(InputPreProcessor pre, Layer first, FloatPointer input, int inputFeatures) {
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            Grid g = Grid.of((int) p.getNumChannels(), batch, (int) p.getInputHeight(), (int) p.getInputWidth(), pad);
            FloatPointer data = own(GridOps.allocate(g));
            steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op("input", OpInfo.Kind.INPUT, null),
                    t -> GridOps.fromNchw(input, g, data, t)));
            setGrid(g, data, "auto");
        } else if (pre == null && (first instanceof DenseLayer || first instanceof OutputLayer)) {
            // images are rows of the input; the GEMM wants features x batch
            FloatPointer data = own(GridOps.zeroed((long) inputFeatures * batch));
            float[] in = new float[inputFeatures * batch];
            float[] out = new float[inputFeatures * batch];
            steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op("input", OpInfo.Kind.INPUT, null), t -> {
                input.position(0).get(in);
                for (int b = 0; b < batch; b++) {
                    for (int f = 0; f < inputFeatures; f++) {
                        out[f * batch + b] = in[b * inputFeatures + f];
                    }
                }
                data.position(0).put(out);
            }));
            setFeatures(inputFeatures, data);
        } else {
            throw unsupported(name(first, 0), "input preprocessor " + (pre == null ? "none" : pre.getClass().getSimpleName()));
        }
    }

    private void applyPreProcessor(InputPreProcessor pre, String layer) {
        flushPending();
        if (pre instanceof CnnToFeedForwardPreProcessor) {
            requireGrid(layer);
            Grid g = grid;
            FloatPointer src = gridData;
            int f = g.featuresPerImage();
            FloatPointer dst = own(GridOps.zeroed((long) f * batch));
            steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(layer + "/flatten", OpInfo.Kind.FLATTEN, null),
                    t -> GridOps.flatten(g, src, dst, batch, t)));
            setFeatures(f, dst);
        } else {
            throw unsupported(layer, "input preprocessor " + pre.getClass().getSimpleName());
        }
    }

    private void setGrid(Grid g, FloatPointer data, String isa) {
        grid = g;
        gridIsa = isa;
        gridData = data;
        paddingDirty = false;
        features = 0;
        featureData = null;
    }

    private void setFeatures(int f, FloatPointer data) {
        features = f;
        featureData = data;
        grid = null;
        gridData = null;
    }

    private void requireGrid(String layer) {
        if (grid == null) {
            throw unsupported(layer, "a convolution or pooling layer after a dense layer");
        }
    }

    // ---- GEMM layers ---------------------------------------------------------------------------

    private Pending gemmLayer(int i, IActivation act, String name) {
        PrunableLayer layer = prunable.get(i);
        if (layer == null) {
            throw unsupported(name, "this layer type");
        }
        boolean relu = activation(act, name, i == net.getnLayers() - 1);
        return new Pending(i, layer, conf(i), GemmView.weights(net, layer), GemmView.bias(net, layer), relu);
    }

    /** True for ReLU, false for identity (and softmax on the output layer, applied separately). */
    private static boolean activation(IActivation act, String layer, boolean output) {
        if (act instanceof ActivationReLU) {
            return true;
        }
        if (act == null || act instanceof ActivationIdentity || output && act instanceof ActivationSoftmax) {
            return false;
        }
        throw unsupported(layer, "activation " + act);
    }

    private void fuseActivation(IActivation act, String name) {
        if (act instanceof ActivationIdentity) {
            return;
        }
        if (pending == null || pending.relu() || !(act instanceof ActivationReLU)) {
            throw unsupported(name, "activation " + act + " that cannot be fused into the previous layer");
        }
        pending = pending.with(pending.weights(), pending.bias(), true);
    }

    /** y = gamma * (x - mean) / sqrt(var + eps) + beta folded into the previous layer's rows. */
    private void foldBatchNorm(int i, String name) {
        if (pending == null || pending.relu()) {
            throw unsupported(name, "batch normalisation that does not directly follow a convolution or dense layer"
                    + " without activation");
        }
        BatchNormalization bn = (BatchNormalization) conf(i);
        var params = net.getLayer(i).paramTable();
        float[] gamma = vector(params.get("gamma"));
        float[] beta = vector(params.get("beta"));
        float[] mean = vector(params.get("mean"));
        float[] var = vector(params.get("var"));
        // with useLogStd (DL4J's default) the layer keeps log10(sqrt(var + eps)) instead of var
        float[] log10std = vector(params.get("log10stdev"));
        int rows = pending.layer().rows();
        int cols = pending.layer().cols();
        if (mean.length != rows) {
            throw unsupported(name, "batch normalisation over " + mean.length + " features after " + rows + " outputs");
        }
        float[] w = pending.weights().clone();
        float[] b = new float[rows];
        for (int r = 0; r < rows; r++) {
            double std = var != null ? Math.sqrt(var[r] + bn.getEps()) : Math.pow(10, log10std[r]);
            double g = (gamma == null ? 1.0 : gamma[r]) / std;
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] *= (float) g;
            }
            double b0 = pending.bias().length == 0 ? 0 : pending.bias()[r];
            b[r] = (float) ((b0 - mean[r]) * g + (beta == null ? 0 : beta[r]));
        }
        pending = pending.with(w, b, activation(bn.getActivationFn(), name, false));
    }

    private static float[] vector(INDArray a) {
        return a == null ? null : a.dup('c').data().asFloat();
    }

    private void flushPending() {
        if (pending == null) {
            return;
        }
        Pending p = pending;
        pending = null;
        if (p.conf() instanceof ConvolutionLayer c) {
            emitConv(p, c);
        } else {
            emitDense(p);
        }
    }

    private void emitDense(Pending p) {
        PrunableLayer l = p.layer();
        if (featureData == null || features != l.cols()) {
            throw unsupported(l.name(), "a dense layer of " + l.cols() + " inputs after "
                    + (featureData == null ? "a convolution without flatten" : features + " features"));
        }
        Placement place = placement.apply(l);
        PreparedGemm g = SparseNetwork.prepare(place, l, p.weights(), p.bias(), p.relu());
        FloatPointer y = own(GridOps.zeroed((long) l.rows() * batch));
        steps.add(new SparseNetwork.GemmStep(SparseNetwork.gemmOp(l.name() + "/gemm", l.name(),
                new GemmShape(l.rows(), l.cols(), batch), place.platform(), g, density(place, l)), g, featureData, batch, y,
                batch, batch));
        setFeatures(l.rows(), y);
    }

    /** The registry ISA of a prepared GEMM's kernel; "auto" for a library routine. */
    private static String isaOf(PreparedGemm g) {
        return Kernels.isaOf(g.kernel()).orElse("auto");
    }

    private static double density(Placement place, PrunableLayer l) {
        return place.mask() == null ? 1.0 : 1.0 - (double) place.mask().prunedWeights() / l.weightCount();
    }

    private void emitConv(Pending p, ConvolutionLayer c) {
        PrunableLayer l = p.layer();
        requireGrid(l.name());
        if (c.getDilation()[0] != 1 || c.getDilation()[1] != 1) {
            throw unsupported(l.name(), "dilated convolutions");
        }
        if (grid.channels() * c.getKernelSize()[0] * c.getKernelSize()[1] != l.cols()) {
            throw unsupported(l.name(), "a convolution whose input channels do not match the previous layer");
        }
        Placement place = placement.apply(l);
        PreparedGemm g = SparseNetwork.prepare(place, l, p.weights(), p.bias(), p.relu());
        if (implicitEligible(c) && g.supportsRowOffsets()) {
            emitImplicitConv(l, c, place, g);
        } else {
            emitIm2colConv(l, c, place, g);
        }
    }

    private void emitImplicitConv(PrunableLayer l, ConvolutionLayer c, Placement place, PreparedGemm g) {
        Grid in = grid;
        FloatPointer x = gridData;
        if (paddingDirty) {
            // the previous implicit GEMM also wrote the padding positions; this one reads them as zeros
            steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(l.name() + "/zero-padding", OpInfo.Kind.RELAYOUT,
                    l.name()), t -> GridOps.zeroPadding(in, x, t)));
        }
        Grid out = in.withChannels(l.rows());
        FloatPointer y = own(GridOps.allocate(out));
        long[] offsets = GridOps.convRowOffsets(in, c.getKernelSize()[0], c.getKernelSize()[1]);
        LongPointer off = new LongPointer(offsets);
        FloatPointer xOrigin = own(new FloatPointer(x));
        xOrigin.position(in.origin());
        FloatPointer yOrigin = own(new FloatPointer(y));
        yOrigin.position(out.origin());
        int n = in.positions();
        steps.add(new SparseNetwork.ImplicitConvStep(SparseNetwork.gemmOp(l.name() + "/gemm", l.name(),
                new GemmShape(l.rows(), l.cols(), n), place.platform(), g, density(place, l)), g, xOrigin, off, yOrigin,
                Math.toIntExact(out.ldc()), n));
        setGrid(out, y, isaOf(g));
        paddingDirty = true;
    }

    private void emitIm2colConv(PrunableLayer l, ConvolutionLayer c, Placement place, PreparedGemm g) {
        Grid in = grid;
        FloatPointer x = gridData;
        int kh = c.getKernelSize()[0];
        int kw = c.getKernelSize()[1];
        int sh = c.getStride()[0];
        int sw = c.getStride()[1];
        int oh;
        int ow;
        int padTop;
        int padLeft;
        if (c.getConvolutionMode() == ConvolutionMode.Same) {
            oh = (in.height() + sh - 1) / sh;
            ow = (in.width() + sw - 1) / sw;
            padTop = Math.max(0, ((oh - 1) * sh + kh - in.height()) / 2);
            padLeft = Math.max(0, ((ow - 1) * sw + kw - in.width()) / 2);
        } else {
            padTop = c.getPadding()[0];
            padLeft = c.getPadding()[1];
            oh = (in.height() + 2 * padTop - kh) / sh + 1;
            ow = (in.width() + 2 * padLeft - kw) / sw + 1;
        }
        if (oh < 1 || ow < 1) {
            throw unsupported(l.name(), "a convolution whose output would be empty");
        }
        int n = Math.toIntExact((long) batch * oh * ow);
        FloatPointer cols = own(GridOps.zeroed((long) l.cols() * n));
        FloatPointer rows = own(GridOps.zeroed((long) l.rows() * n));
        Grid out = Grid.of(l.rows(), batch, oh, ow, pad);
        FloatPointer y = own(GridOps.allocate(out));
        final int fOh = oh;
        final int fOw = ow;
        final int fTop = padTop;
        final int fLeft = padLeft;
        steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(l.name() + "/im2col", OpInfo.Kind.IM2COL, l.name()),
                t -> GridOps.im2col(in, x, kh, kw, sh, sw, fTop, fLeft, fOh, fOw, cols, n, t)));
        steps.add(new SparseNetwork.GemmStep(SparseNetwork.gemmOp(l.name() + "/gemm", l.name(),
                new GemmShape(l.rows(), l.cols(), n), place.platform(), g, density(place, l)), g, cols, n, rows, n, n));
        steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(l.name() + "/to-grid", OpInfo.Kind.RELAYOUT, l.name()),
                t -> GridOps.fromRows(rows, n, out, y, t)));
        setGrid(out, y, isaOf(g));
    }

    // ---- first layers: convolution and pooling in one pass -------------------------------------

    /** Input channels up to which a 3x3 convolution and the 2x2 max pooling after it run fused. */
    static final int CONV_POOL_MAX_INPUT_CHANNELS = 4;

    /**
     * The pending layer's placement when it and pooling {@code s} run as one fused pass
     * ({@link GridOps#convPool}): a 3x3 / stride 1 "same" convolution of at most
     * {@link #CONV_POOL_MAX_INPUT_CHANNELS} input channels (a CNN's first layer: its GEMM has K = 9 per
     * channel, little more than a copy of its output, the largest activation of the network), left
     * unpruned on a platform of our CPU kernels of the fused kernel's ISA ({@link GridOps#CONV_POOL_ISA}),
     * followed by 2x2 / stride 2 max pooling; and a CPU with that ISA. A pruned layer keeps its sparse GEMM, the dense baseline its
     * library's GEMM. System property {@code pruneaug.fuse-conv-pool=false} turns it off (A/B timing).
     * Null when they run apart.
     */
    private Placement fusedPlacement(SubsamplingLayer s) {
        if (pending == null || grid == null || !(pending.conf() instanceof ConvolutionLayer c)
                || !Boolean.parseBoolean(System.getProperty("pruneaug.fuse-conv-pool", "true"))) {
            return null;
        }
        int[] k = c.getKernelSize();
        boolean conv = implicitEligible(c) && k[0] == 3 && k[1] == 3 && pad >= 1
                && grid.channels() <= CONV_POOL_MAX_INPUT_CHANNELS && grid.channels() * 9 == pending.layer().cols();
        boolean pool = s.getPoolingType() == PoolingType.MAX && s.getKernelSize()[0] == 2 && s.getKernelSize()[1] == 2
                && s.getStride()[0] == 2 && s.getStride()[1] == 2 && s.getPadding()[0] == 0 && s.getPadding()[1] == 0
                && s.getConvolutionMode() != ConvolutionMode.Same && grid.height() >= 2 && grid.width() >= 2;
        if (!conv || !pool || !GridOps.convPoolFast()) {
            return null;
        }
        Placement place = placement.apply(pending.layer());
        if (place.mask() != null && place.mask().prunedWeights() > 0
                || place.platform().descriptor().implementation().contains("cuda")) {
            return null;
        }
        try (PreparedGemm g = SparseNetwork.prepare(place, pending.layer(), pending.weights(), pending.bias(),
                pending.relu())) {
            // our own CPU kernels, of the fused kernel's ISA
            return g.supportsRowOffsets() && GridOps.CONV_POOL_ISA.equals(isaOf(g)) ? place : null;
        }
    }

    /** The pending convolution, placed on {@code place}, and the pooling after it ({@code poolName}) as one step. */
    private void emitConvPool(Placement place, String poolName) {
        Pending p = pending;
        pending = null;
        PrunableLayer l = p.layer();
        Grid in = grid;
        FloatPointer x = gridData;
        if (paddingDirty) {
            steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(l.name() + "/zero-padding", OpInfo.Kind.RELAYOUT,
                    l.name()), t -> GridOps.zeroPadding(in, x, t)));
        }
        Grid out = Grid.of(l.rows(), batch, in.height() / 2, in.width() / 2, pad);
        FloatPointer y = own(GridOps.allocate(out));
        FloatPointer w = own(GridOps.zeroed(p.weights().length));
        w.put(p.weights());
        FloatPointer bias = null;
        if (p.bias().length > 0) {
            bias = own(GridOps.zeroed(p.bias().length));
            bias.put(p.bias());
        }
        FloatPointer b = bias;
        boolean relu = p.relu();
        OpInfo info = new OpInfo(l.name() + "/conv+" + poolName, OpInfo.Kind.GEMM, l.name(),
                new GemmShape(l.rows(), l.cols(), in.batch() * in.height() * in.width()),
                place.platform().id(), "f32_conv3x3_maxpool2x2 (direct, pooling fused)", 1.0);
        steps.add(new SparseNetwork.SimpleStep(info, t -> GridOps.convPool(in, x, w, b, relu, out, y, t)));
        setGrid(out, y, GridOps.CONV_POOL_ISA);
    }

    // ---- pooling / output ----------------------------------------------------------------------

    private void emitPool(SubsamplingLayer s, String name) {
        requireGrid(name);
        if (s.getPoolingType() != PoolingType.MAX) {
            throw unsupported(name, s.getPoolingType() + " pooling");
        }
        if (s.getPadding()[0] != 0 || s.getPadding()[1] != 0 || s.getConvolutionMode() == ConvolutionMode.Same) {
            throw unsupported(name, "padded pooling");
        }
        int kh = s.getKernelSize()[0];
        int kw = s.getKernelSize()[1];
        int sh = s.getStride()[0];
        int sw = s.getStride()[1];
        Grid in = grid;
        FloatPointer x = gridData;
        Grid out = Grid.of(in.channels(), batch, (in.height() - kh) / sh + 1, (in.width() - kw) / sw + 1, pad);
        FloatPointer y = own(GridOps.allocate(out));
        String isa = gridIsa;
        OpInfo info = new OpInfo(name, OpInfo.Kind.POOL, null, null, null, GridOps.maxPoolKernel(isa, kh, kw, sh, sw),
                Double.NaN);
        steps.add(new SparseNetwork.SimpleStep(info, t -> GridOps.maxPool(isa, in, x, kh, kw, sh, sw, out, y, t)));
        setGrid(out, y, isa);
    }

    /**
     * Softmax (or nothing) over each image's logits; writes batch x classes row-major into output from
     * its position (a micro-batch lane moves it to its chunk's rows).
     */
    private void emitOutput(int classes, boolean softmax, FloatPointer output) {
        FloatPointer logits = featureData;
        float[] z = new float[classes * batch];
        float[] p = new float[classes * batch];
        steps.add(new SparseNetwork.SimpleStep(SparseNetwork.op(softmax ? "softmax" : "output", OpInfo.Kind.SOFTMAX, null), t -> {
            logits.position(0).get(z);
            for (int b = 0; b < batch; b++) {
                if (!softmax) {
                    for (int c = 0; c < classes; c++) {
                        p[b * classes + c] = z[c * batch + b];
                    }
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, z[c * batch + b]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[c * batch + b] - max);
                }
                for (int c = 0; c < classes; c++) {
                    p[b * classes + c] = (float) (Math.exp(z[c * batch + b] - max) / sum);
                }
            }
            output.put(p);
        }));
    }

    static InvalidInputException unsupported(String layer, String what) {
        return new InvalidInputException("sparse inference does not support " + what + " (layer '" + layer + "')");
    }
}
