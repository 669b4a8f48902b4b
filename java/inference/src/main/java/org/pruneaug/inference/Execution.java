package org.pruneaug.inference;

import java.util.Locale;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.InvalidInputException;

/**
 * How a compiled network schedules a batch.
 *
 * <p><b>Layer by layer</b> ({@code microBatch == 0}): every operator runs on the whole batch, its
 * work shared by the threads; activations of a whole batch go through memory between layers (the
 * conv1 output of VGG at batch 64 is 7 MB).
 *
 * <p><b>Micro-batched</b> ({@code microBatch > 0}): the convolutional part of the network (everything
 * before the flatten) runs depth-first on micro-batches of {@code microBatch} images, each
 * micro-batch on one thread with single-threaded kernels, up to {@code lanes} micro-batches at a
 * time; a lane's activations stay in its core's L2 cache from one layer to the next and no operator
 * waits for the others' threads. A lane takes a chunk of the batch ({@link #chunkImages}) at a
 * time: the chunk's micro-batches, then the dense layers after the flatten and the softmax on the
 * whole chunk, so that nothing crosses cores and the kernel library's thread pool is not involved.
 * {@code lanes} is the most threads the network will be run with: each lane owns its activation
 * buffers and its prepared GEMMs (the dense layers' weights too: one copy per lane).
 */
public record Execution(int microBatch, int lanes) {
    /** Every operator on the whole batch. */
    public static final Execution LAYER_BY_LAYER = new Execution(0, 1);

    /**
     * Bytes of activations one lane should keep in cache at once: a 512 KB share of L2 (the whole L2
     * of the smaller cores we ran on, a quarter of the 2 MB one), leaving room for the weights.
     */
    public static final long LANE_CACHE_BYTES = 512 * 1024;

    public Execution {
        if (microBatch < 0 || lanes < 1) {
            throw new InvalidInputException("micro-batch must be >= 0 (0 = layer by layer) and lanes >= 1, got "
                    + microBatch + " and " + lanes);
        }
    }

    public boolean microBatched() {
        return microBatch > 0;
    }

    /**
     * The schedule a network gets by default: micro-batched when it has a convolutional part followed
     * by a flatten (so that there is something to keep in cache), with the largest micro-batch that
     * divides {@code batch} and whose largest pair of consecutive activations fits
     * {@link #LANE_CACHE_BYTES}; layer by layer otherwise.
     */
    public static Execution auto(MultiLayerNetwork net, int batch, int threads) {
        int perImage = imageStageBytesPerImage(net);
        if (perImage <= 0 || batch < 2) {
            return LAYER_BY_LAYER;
        }
        int target = (int) Math.max(1, LANE_CACHE_BYTES / perImage);
        return new Execution(largestDivisorAtMost(batch, target), Math.max(1, threads));
    }

    /** The micro-batch a user asked for: "auto", "off" (layer by layer) or a number of images dividing the batch. */
    public static Execution parse(String spec, MultiLayerNetwork net, int batch, int threads) {
        String s = checkSpec(spec, batch);
        if (s.equals("auto")) {
            return auto(net, batch, threads);
        }
        int mb = s.equals("off") ? batch : Integer.parseInt(s);
        return mb == batch ? LAYER_BY_LAYER : new Execution(mb, Math.max(1, threads));
    }

    /**
     * A micro-batch option, checked before any work: "auto", "off" (also "0") or a number of images
     * dividing {@code batch}; returns it normalised ("auto", "off" or the number).
     */
    public static String checkSpec(String spec, int batch) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto") || s.equals("off")) {
            return s;
        }
        int mb;
        try {
            mb = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--micro-batch must be auto, off or a number of images, got '" + spec + "'");
        }
        if (mb == 0) {
            return "off";
        }
        if (mb < 1 || mb > batch || batch % mb != 0) {
            throw new InvalidInputException("--micro-batch " + mb + " must divide the batch (" + batch + ")");
        }
        return Integer.toString(mb);
    }

    /** For reports: "layer by layer" or "micro-batches of 4 images, 2 lanes". */
    public String describe() {
        return microBatched() ? "micro-batches of " + microBatch + " images, " + lanes + " lane" + (lanes == 1 ? "" : "s")
                : "layer by layer";
    }

    /**
     * Images per chunk of a micro-batched batch: the largest multiple of {@code microBatch} that divides
     * {@code batch} and is at most batch / lanes (rounded up), so that every lane gets a chunk and the
     * dense layers run on as many images at once as that allows (a kernel vectorised over the batch
     * runs VGG's fc1 at half speed on 16 images, at full speed from 32). At least one micro-batch;
     * {@code microBatch} divides {@code batch}.
     */
    static int chunkImages(int batch, int microBatch, int lanes) {
        int most = (batch + lanes - 1) / lanes;
        return microBatch * largestDivisorAtMost(batch / microBatch, most / microBatch);
    }

    static int largestDivisorAtMost(int n, int max) {
        for (int d = Math.min(n, max); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    /**
     * Bytes per image of the largest input + output pair of the layers before the flatten, from the
     * layers' output types; 0 when the network has no convolutional part ending in a flatten.
     */
    static int imageStageBytesPerImage(MultiLayerNetwork net) {
        var conf = net.getLayerWiseConfigurations();
        if (!(conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor p)) {
            return 0;
        }
        InputType t = InputType.convolutional(p.getInputHeight(), p.getInputWidth(), p.getNumChannels());
        long previous = p.getNumChannels() * p.getInputHeight() * p.getInputWidth();
        long worst = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            if (i > 0 && conf.getInputPreProcess(i) instanceof CnnToFeedForwardPreProcessor) {
                return (int) Math.min(Integer.MAX_VALUE, worst * Float.BYTES);
            }
            t = net.getLayer(i).conf().getLayer().getOutputType(i, t);
            if (!(t instanceof InputType.InputTypeConvolutional c)) {
                return 0;
            }
            long out = c.getChannels() * c.getHeight() * c.getWidth();
            worst = Math.max(worst, previous + out);
            previous = out;
        }
        return 0;
    }
}
