package org.pruneaug.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pruneaug.platforms.PlatformsTest.assertMessage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;

/** Persistence, reuse and refusal of latency tables, with real (quick) measurements. */
class LatencyTableTest {
    private static final Profiler.Request REQUEST = new Profiler.Request(List.of(new GemmShape(24, 40, 16),
            new GemmShape(10, 9, 3)), List.of(new BlockShape(4, 4), BlockShape.UNSTRUCTURED), List.of(0.2, 0.6, 1.0), 2);

    private final SparsePlatform generic = TestPlatforms.get().get("cpu-generic");

    private Profiler profiler(boolean fresh) {
        return new Profiler(TestPlatforms.quickMethod(), fresh, false, null);
    }

    @Test
    void tableRoundTripsAndIsReusedOnTheSameHardware(@TempDir Path dir) {
        Path file = dir.resolve("t.json");
        Profiler.Result first = profiler(false).profile(generic, REQUEST, file);
        assertEquals(12, first.measured());
        assertEquals(0, first.reused());
        LatencyTable read = LatencyTable.read(file);
        assertEquals(first.table(), read);
        assertEquals(generic.hardware().fingerprint(), read.fingerprint());
        assertEquals(generic.libraryVersions(), read.libraries());
        assertEquals(2, read.threads());
        assertEquals(Integer.valueOf(2), read.threadSettings().get("libpruneaug"));
        for (LatencyTable.Cell c : read.cells()) {
            assertTrue(c.medianMs() > 0 && c.p25Ms() <= c.medianMs() && c.medianMs() <= c.p75Ms(), c.toString());
            assertEquals(generic.kernelName(BlockShape.parse(c.block())), c.kernel());
        }

        Profiler.Result again = profiler(false).profile(generic, REQUEST, file);
        assertEquals(0, again.measured());
        assertEquals(12, again.reused());
        assertEquals(first.cells(), again.cells());

        // a new shape measures only its own cells, the others stay
        Profiler.Request more = new Profiler.Request(List.of(new GemmShape(24, 40, 16), new GemmShape(8, 8, 8)),
                REQUEST.blocks(), REQUEST.densities(), 2);
        Profiler.Result grown = profiler(false).profile(generic, more, file);
        assertEquals(6, grown.measured());
        assertEquals(18, LatencyTable.read(file).cells().size());

        assertEquals(12, profiler(true).profile(generic, REQUEST, file).measured());
    }

    @Test
    void changedKernelOrLibraryIsMeasuredAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        profiler(false).profile(generic, REQUEST, file);
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        ((ObjectNode) root.get("cells").get(0)).put("kernel", "f32_bsrmm_b1x1__ref");
        Json.write(file, root);
        assertEquals(1, profiler(false).profile(generic, REQUEST, file).measured());

        ((ObjectNode) root.get("libraries")).put("libpruneaug", "0.0.1");
        Json.write(file, root);
        Profiler.Plan plan = profiler(false).plan(generic, REQUEST, file);
        assertTrue(plan.staleReason() != null && plan.staleReason().contains("0.0.1"), plan.staleReason());
        assertEquals(12, profiler(false).run(plan).measured());
    }

    @Test
    void corruptOrForeignTablesAreRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        profiler(false).profile(generic, REQUEST, file);
        String good = Files.readString(file);

        Files.writeString(file, "{ not json");
        assertRefused(file, "{ not json", "corrupt");
        Files.writeString(file, good.replace(LatencyTable.FORMAT, "something-else/9"));
        assertRefused(file, null, "format 'something-else/9'");
        Files.writeString(file, good.replaceFirst("\"median_ms\" : [0-9.E-]+", "\"median_ms\" : -1.0"));
        assertRefused(file, null, "latencies");

        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(good);
        ObjectNode hw = (ObjectNode) root.get("hardware");
        hw.put("cpu_model", "Some Other CPU");
        root.put("fingerprint", Json.MAPPER.treeToValue(hw, org.pruneaug.core.Hardware.class).fingerprint());
        Json.write(file, root);
        assertRefused(file, null, "is foreign: measured on Some Other CPU");

        Files.writeString(file, good);
        assertMessage("belongs to platform cpu-generic",
                () -> profiler(false).plan(TestPlatforms.get().get("dense-openblas"), REQUEST, file));
        assertMessage("measured with 2 threads, not 1", () -> profiler(false).plan(generic,
                new Profiler.Request(REQUEST.shapes(), REQUEST.blocks(), REQUEST.densities(), 1), file));
    }

    private void assertRefused(Path file, String expectedContent, String part) throws Exception {
        String before = Files.readString(file);
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> profiler(false).profile(generic, REQUEST, file));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertEquals(before, Files.readString(file), "refused table must stay untouched");
        if (expectedContent != null) {
            assertEquals(expectedContent, before);
        }
    }

    @Test
    void badRequestsAreRefusedBeforeMeasuring(@TempDir Path dir) {
        Path file = dir.resolve("t.json");
        assertMessage("outside [0, 1]", () -> new Profiler.Request(REQUEST.shapes(), REQUEST.blocks(), List.of(1.5), 1));
        assertMessage("threads must be >= 1", () -> new Profiler.Request(REQUEST.shapes(), REQUEST.blocks(),
                REQUEST.densities(), 0));
        SparsePlatform mkl = TestPlatforms.get().get("mkl");
        if (mkl.available()) {
            assertMessage("does not support block 1x4", () -> profiler(false).plan(mkl, new Profiler.Request(
                    REQUEST.shapes(), List.of(new BlockShape(1, 4)), REQUEST.densities(), 1), file));
        }
        SparsePlatform cuda = TestPlatforms.get().get("cuda");
        if (!cuda.available()) {
            assertMessage("not available here", () -> profiler(false).plan(cuda, REQUEST, file));
        }
        assertTrue(!Files.exists(file));
    }

    @Test
    void denseBaselinesMeasureOneCellPerShape(@TempDir Path dir) {
        SparsePlatform blas = TestPlatforms.get().get("dense-openblas");
        org.junit.jupiter.api.Assumptions.assumeTrue(blas.available());
        Profiler.Result r = profiler(false).profile(blas, REQUEST, dir.resolve("d.json"));
        assertEquals(2, r.cells().size());
        assertTrue(r.cells().stream().allMatch(LatencyTable.Cell::isDense));
    }

    @Test
    void fixtureWrittenByVersionOneStillLoads() {
        LatencyTable t = LatencyTable.read(Path.of("src/test/resources/fixtures/latency-table-v1.json"));
        assertEquals("cpu-avx2", t.platform());
        LatencyModel model = LatencyModel.of(t);
        assertTrue(model.latencyMs(new GemmShape(1024, 1024, 256), new BlockShape(8, 8), 0.1) > 0);
    }
}
