package org.pruneaug.dl4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pruneaug.core.AtomicFiles;
import org.pruneaug.core.InvalidInputException;

/**
 * Saves and loads DL4J model zips (ModelSerializer's format, updater state included so fine-tuning
 * resumes Adam where training left it) with PruneAug's {@link ModelMetadata} as one extra JSON entry.
 * DL4J ignores that entry, so our zips stay loadable by plain DL4J and users may bring their own zip.
 */
public final class Models {
    public static final String METADATA_ENTRY = "pruneaug.json";

    /** A loaded network with the metadata found in its zip (empty for a foreign model). */
    public record Loaded(MultiLayerNetwork network, ModelMetadata metadata) {
    }

    private Models() {
    }

    /** Writes the model atomically: a failure leaves any previous file at {@code target} untouched. */
    public static void save(MultiLayerNetwork net, Path target, ModelMetadata metadata) {
        AtomicFiles.write(target, out -> {
            ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
            ModelSerializer.writeModel(net, dl4j, true);
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()));
                 ZipOutputStream zip = new ZipOutputStream(out)) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    if (!e.getName().equals(METADATA_ENTRY)) {
                        zip.putNextEntry(new ZipEntry(e.getName()));
                        in.transferTo(zip);
                        zip.closeEntry();
                    }
                }
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(metadata.toBytes());
                zip.closeEntry();
            }
        });
    }

    /**
     * Loads a MultiLayerNetwork zip and checks that it takes Fashion-MNIST (784 inputs, 10 classes).
     * Anything else (missing file, not a zip, a ComputationGraph, wrong input size) is an
     * {@link InvalidInputException}.
     */
    public static Loaded load(Path file) {
        Map<String, byte[]> entries = entries(file);
        if (!entries.containsKey(ModelSerializer.CONFIGURATION_JSON) || !entries.containsKey(ModelSerializer.COEFFICIENTS_BIN)) {
            throw new InvalidInputException(file + " is not a DL4J model zip (no " + ModelSerializer.CONFIGURATION_JSON
                    + " or " + ModelSerializer.COEFFICIENTS_BIN + " inside)");
        }
        String conf = new String(entries.get(ModelSerializer.CONFIGURATION_JSON), java.nio.charset.StandardCharsets.UTF_8);
        if (conf.contains("\"vertices\"")) {
            throw new InvalidInputException(file + " holds a DL4J ComputationGraph; only MultiLayerNetwork models are supported");
        }
        MultiLayerNetwork net;
        try (InputStream in = Files.newInputStream(file)) {
            net = OneDnn.attach(ModelSerializer.restoreMultiLayerNetwork(in, true));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(file + " is not a loadable DL4J MultiLayerNetwork zip: " + firstLine(e));
        }
        checkFashionMnistShape(net, file);
        byte[] meta = entries.get(METADATA_ENTRY);
        return new Loaded(net, meta == null ? ModelMetadata.empty() : ModelMetadata.parse(meta, file.toString()));
    }

    private static void checkFashionMnistShape(MultiLayerNetwork net, Path file) {
        INDArray out;
        try {
            out = net.output(Nd4j.zeros(1, LabeledImages.PIXELS), false);
        } catch (RuntimeException e) {
            throw new InvalidInputException(file + " does not take Fashion-MNIST input (784 values per image, or 28x28x1): "
                    + firstLine(e));
        }
        if (out.rank() != 2 || out.size(1) != LabeledImages.CLASSES) {
            throw new InvalidInputException(file + " does not output " + LabeledImages.CLASSES + " classes (output shape "
                    + java.util.Arrays.toString(out.shape()) + ")");
        }
    }

    private static Map<String, byte[]> entries(Path file) {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("model file " + file + " does not exist");
        } catch (ZipException e) {
            throw new InvalidInputException(file + " is not a DL4J model zip (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read model file " + file + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new InvalidInputException(file + " is not a DL4J model zip (not a zip file)");
        }
        return out;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
