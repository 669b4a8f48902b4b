package org.pruneaug.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.nativ.Cuda;
import org.pruneaug.nativ.Kernels;

class PlatformsTest {
    @Test
    void everyDescribedPlatformLoadsAndSaysWhetherItIsAvailable() {
        Platforms ps = TestPlatforms.get();
        assertEquals(List.of("cpu-avx2", "cpu-avx512", "cpu-generic", "cuda", "dense-mkl", "dense-openblas", "mkl"), ps.ids());
        for (SparsePlatform p : ps.all()) {
            p.unavailableReason().ifPresent(r -> assertFalse(r.isBlank(), p.id()));
            if (p.available()) {
                assertFalse(p.libraryVersions().isEmpty(), p.id());
            }
        }
        assertTrue(ps.get("dense-openblas").isDense());
        assertTrue(ps.get("mkl").supportedBlocks().stream().allMatch(b -> b.rows() == b.cols()));
        assertFalse(ps.get("mkl").supports(new BlockShape(4, 1)));
        assertEquals(36, ps.get("cpu-generic").supportedBlocks().size());
    }

    @Test
    void theWidestCpuKernelsAreTheDefault() {
        List<String> features = List.of(Kernels.cpuFeatures().split(" "));
        boolean avx2 = features.containsAll(List.of("avx2", "fma"));
        SparsePlatform def = TestPlatforms.get().defaultPlatform().orElseThrow();
        if (avx2 && !Cuda.available()) {
            assertEquals(features.contains("avx512f") ? "cpu-avx512" : "cpu-avx2", def.id());
        }
        assertEquals(avx2, TestPlatforms.get().get("cpu-avx2").available());
    }

    @Test
    void cudaIsUnavailableWithAReasonWithoutAGpu() {
        SparsePlatform cuda = TestPlatforms.get().get("cuda");
        assertEquals(Cuda.available(), cuda.available());
        if (!cuda.available()) {
            assertTrue(cuda.unavailableReason().orElseThrow().contains(Cuda.unavailableReason()));
        }
    }

    @Test
    void unknownIdsAndUnsupportedBlocksAreOneLineErrors() {
        Platforms ps = TestPlatforms.get();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ps.get("tpu"));
        assertTrue(e.getMessage().contains("unknown platform 'tpu'") && e.getMessage().contains("cpu-avx2"));
        assertThrows(InvalidInputException.class, () -> ps.parseList("cpu-avx2,nope"));
        InvalidInputException b = assertThrows(InvalidInputException.class,
                () -> ps.get("mkl").requireSupported(new BlockShape(8, 1)));
        assertTrue(b.getMessage().contains("does not support block 8x1"), b.getMessage());
    }

    @Test
    void malformedDescriptorsAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        write(dir, "good", "{\"id\": \"good\", \"implementation\": \"pruneaug-cpu\", \"kernel_isas\": [\"ref\"],"
                + " \"blocks\": [\"all\"]}");
        assertEquals(List.of("good"), Platforms.load(dir).ids());
        assertTrue(Platforms.load(dir).get("good").available());

        write(dir, "bad", "{\"id\": \"other\", \"implementation\": \"pruneaug-cpu\", \"blocks\": [\"all\"]}");
        assertMessage("differs from its directory", () -> Platforms.load(dir));
        write(dir, "bad", "{\"id\": \"bad\", \"implementation\": \"pruneaug-cpu\", \"blocks\": [\"3x3\"]}");
        assertMessage("block shape 3x3", () -> Platforms.load(dir));
        write(dir, "bad", "{\"id\": \"bad\", \"implementation\": \"quantum\", \"blocks\": [\"all\"]}");
        assertMessage("unknown implementation 'quantum'", () -> Platforms.load(dir).get("bad"));
        write(dir, "bad", "{\"id\": \"bad\", ");
        assertMessage("platform descriptor", () -> Platforms.load(dir));
        assertMessage("does not exist", () -> Platforms.load(dir.resolve("missing")));
    }

    private static void write(Path dir, String id, String json) throws Exception {
        Files.createDirectories(dir.resolve(id));
        Files.writeString(dir.resolve(id).resolve("platform.json"), json);
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(part),
                "message '" + e.getMessage() + "' should contain '" + part + "'");
    }
}
