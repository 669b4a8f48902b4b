package org.pruneaug.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pruneaug.core.Json;
import picocli.CommandLine;

/** The platforms and profile subcommands end to end, with real (tiny, quick) measurements. */
class ProfileCommandTest {
    @TempDir
    Path dir;
    Path platforms;

    /** A private copy of the descriptors, so tables written by tests stay out of the checkout. */
    @BeforeEach
    void copyDescriptors() throws Exception {
        platforms = dir.resolve("platforms");
        Path repo = Path.of("../../platforms");
        try (Stream<Path> ids = Files.list(repo)) {
            for (Path id : ids.toList()) {
                if (Files.isRegularFile(id.resolve("platform.json"))) {
                    Files.createDirectories(platforms.resolve(id.getFileName()));
                    Files.copy(id.resolve("platform.json"), platforms.resolve(id.getFileName()).resolve("platform.json"));
                }
            }
        }
    }

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cl = PruneAugCli.commandLine();
            cl.setErr(new PrintWriter(e, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Run profile(String... args) {
        String[] all = Stream.concat(Stream.of("profile", "--platforms-dir", platforms.toString(), "--samples", "3", "--rounds", "1",
                "--max-stall", "Infinity"),
                Stream.of(args)).toArray(String[]::new);
        return run(all);
    }

    @Test
    void platformsListsEveryPlatformAndWhyNot() {
        Run r = run("platforms", "--platforms-dir", platforms.toString(), "-v");
        assertEquals(0, r.exit(), r.err());
        for (String id : new String[] {"cpu-avx2", "cpu-generic", "mkl", "dense-openblas", "dense-mkl", "cuda"}) {
            assertTrue(r.out().contains(id), r.out());
        }
        assertTrue(r.out().contains("fingerprint"), r.out());
    }

    @Test
    void profilesWritesRowsAndPlotAndReusesTheTable() throws Exception {
        Path rows = dir.resolve("rows.json");
        Path png = dir.resolve("plot.png");
        Run r = profile("--platform", "cpu-generic", "--shapes", "16x20x8,8x8x4", "--blocks", "1x1,4x4",
                "--densities", "0.5,1", "--threads", "1", "--out", rows.toString(), "--plot", png.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("GEMM 16x20x8") && r.out().contains("cpu-generic"), r.out());
        assertTrue(r.err().contains("cpu-generic: 8 cells measured, 0 reused in"), r.err());
        JsonNode json = Json.MAPPER.readTree(rows.toFile());
        assertEquals(8 + 2, json.size());  // 2 shapes x 2 blocks x 2 densities + the dense baseline per shape
        for (JsonNode row : json) {
            for (String field : new String[] {"platform", "m", "k", "n", "block", "density", "threads", "median_ms"}) {
                assertTrue(row.has(field), field + " missing in " + row);
            }
            if (row.get("platform").asText().equals("cpu-generic")) {
                assertTrue(row.get("speedup_vs_dense").asDouble() > 0, row.toString());
            }
        }
        assertTrue(Files.size(png) > 1000);

        Run again = profile("--platform", "cpu-generic", "--shapes", "16x20x8,8x8x4", "--blocks", "1x1,4x4",
                "--densities", "0.5,1", "--threads", "1");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("cpu-generic: 0 cells measured, 8 reused in"), again.err());
    }

    @Test
    void modelShapeListsWork() throws Exception {
        Path shapes = dir.resolve("net.txt");
        Files.writeString(shapes, "# two layers\nconv1 6 25 16\nfc 10 84 4\n");
        Run r = profile("--platform", "cpu-generic", "--model", shapes.toString(), "--blocks", "2x2",
                "--densities", "0.5", "--threads", "1", "--no-baseline");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("GEMM 6x25x16") && r.out().contains("GEMM 10x84x4"), r.out());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        assertBad(profile("--platform", "tpu", "--shapes", "8x8x8"), "unknown platform 'tpu'");
        assertBad(profile("--platform", "cpu-generic", "--shapes", "8x8"), "malformed GEMM shape '8x8'");
        assertBad(profile("--platform", "cpu-generic", "--shapes", "8x8x8", "--blocks", "3x3"), "block shape 3x3");
        assertBad(profile("--platform", "mkl", "--shapes", "8x8x8", "--blocks", "4x1"), "does not support block 4x1");
        assertBad(profile("--platform", "cpu-generic", "--shapes", "8x8x8", "--densities", "0.5,abc"),
                "malformed density 'abc'");
        assertBad(profile("--platform", "cpu-generic", "--model", dir.resolve("none.txt").toString()), "does not exist");
        assertBad(profile("--platform", "cpu-generic"), "Missing required argument");
        assertBad(profile("--platform", "cpu-generic", "--shapes", "8x8x8", "--out", "x.csv"), "must end with .json");
    }

    @Test
    void corruptTableIsRefusedAndKept() throws Exception {
        Run first = profile("--platform", "cpu-generic", "--shapes", "8x8x4", "--blocks", "2x2", "--densities", "1",
                "--threads", "1", "--no-baseline");
        assertEquals(0, first.exit(), first.err());
        Path table;
        try (Stream<Path> files = Files.list(platforms.resolve("cpu-generic").resolve("tables"))) {
            table = files.findFirst().orElseThrow();
        }
        Files.writeString(table, "{\"format\": \"garbage\"}");
        Path rows = dir.resolve("rows.json");
        assertBad(profile("--platform", "cpu-generic", "--shapes", "8x8x4", "--blocks", "2x2", "--densities", "1",
                "--threads", "1", "--out", rows.toString()), "is corrupt");
        assertEquals("{\"format\": \"garbage\"}", Files.readString(table));
        assertTrue(!Files.exists(rows), "nothing written on bad input");
    }

    private static void assertBad(Run r, String part) {
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(part), "stderr should contain '" + part + "': " + r.err());
        String error = r.err().lines().filter(l -> l.startsWith("pruneaug: error:")).findFirst().orElse("");
        assertTrue(!error.isEmpty(), "one 'pruneaug: error:' line expected: " + r.err());
    }
}
