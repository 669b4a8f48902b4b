package org.pruneaug.platforms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux pressure stall information for the CPU: how long some task was runnable but waiting for a
 * core. While the profiler runs its own threads on every core, any such wait means another process
 * took a core and the sample is disturbed, which on a shared 2-core machine happens often and
 * moves a multi-threaded kernel's median by 10-100x. Absent (non-Linux, old kernels): reads 0.
 */
final class CpuPressure {
    private static final Path PSI = Path.of("/proc/pressure/cpu");

    private CpuPressure() {
    }

    /** Cumulative microseconds in which some task waited for a CPU, or -1 when unknown. */
    static long stallMicros() {
        try {
            for (String line : Files.readAllLines(PSI, StandardCharsets.US_ASCII)) {
                if (line.startsWith("some")) {
                    int i = line.indexOf("total=");
                    return i < 0 ? -1 : Long.parseLong(line.substring(i + 6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no PSI here: the profiler then cannot tell disturbed samples apart
        }
        return -1;
    }
}
