package org.pruneaug.core;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Where a result came from: tool version and git commit, when, on what hardware and JVM. Artifacts
 * (latency tables, search results) embed one so that they can be compared and reproduced.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Provenance(String toolVersion, String gitSha, String created, Hardware hardware, String java) {
    /** Now, on this host (pass a platform's hardware to include its accelerator). */
    public static Provenance now(Hardware hardware) {
        return new Provenance(currentToolVersion(), currentGitSha(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                hardware, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    /** The Maven project version this code was built as ("dev" outside a Maven build). */
    public static String currentToolVersion() {
        return Holder.VERSION;
    }

    /** The git commit of the working tree ($PRUNEAUG_GIT_SHA, else git rev-parse), or "unknown". */
    public static String currentGitSha() {
        return Holder.GIT_SHA;
    }

    private static final class Holder {
        static final String VERSION = readVersion();
        static final String GIT_SHA = readGitSha();

        private static String readVersion() {
            try (InputStream in = Provenance.class.getResourceAsStream("pruneaug-version.properties")) {
                if (in == null) {
                    return "dev";
                }
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "dev");
                return v.startsWith("${") ? "dev" : v;
            } catch (IOException e) {
                return "dev";
            }
        }

        private static String readGitSha() {
            String env = System.getenv("PRUNEAUG_GIT_SHA");
            if (env != null && !env.isBlank()) {
                return env.trim();
            }
            try {
                Process p = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "unknown";
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.exitValue() == 0 && out.matches("[0-9a-f]{7,40}") ? out : "unknown";
            } catch (IOException e) {
                return "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }
    }
}
