package org.pruneaug.core;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr ("label [#####.....] 12/40 0:13 eta 0:31"). Redraws in place
 * on a terminal; prints a line every 10% otherwise (logs, CI). Not thread-safe: one owner.
 */
public final class Progress implements AutoCloseable {
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long done;
    private long lastDrawNanos;
    private int lastDecile = -1;
    private String detail = "";

    public Progress(String label, long total) {
        this(label, total, System.err, System.console() != null);
    }

    Progress(String label, long total, PrintStream out, boolean interactive) {
        this.label = label;
        this.total = Math.max(1, total);
        this.out = out;
        this.interactive = interactive;
        draw(true);
    }

    public void step(String detailText) {
        done = Math.min(total, done + 1);
        detail = detailText == null ? "" : detailText;
        draw(done == total);
    }

    public void step() {
        step(detail);
    }

    public void detail(String detailText) {
        detail = detailText == null ? "" : detailText;
        draw(false);
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (interactive) {
            if (!force && now - lastDrawNanos < 100_000_000L) {
                return;
            }
            lastDrawNanos = now;
            out.print("\r" + line(now) + "\u001b[K");
            out.flush();
        } else {
            int decile = (int) (10 * done / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line(now));
            }
        }
    }

    private String line(long now) {
        int width = 24;
        int filled = (int) (width * done / total);
        double elapsed = (now - start) / 1e9;
        String eta = done == 0 ? "?" : clock(elapsed / done * (total - done));
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d %s eta %s %s", label, "#".repeat(filled),
                ".".repeat(width - filled), done, total, clock(elapsed), eta, detail);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (interactive) {
            out.println();
        }
    }
}
