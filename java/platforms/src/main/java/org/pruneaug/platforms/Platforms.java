package org.pruneaug.platforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;

/**
 * The platforms described under a platforms directory ({@code <dir>/<id>/platform.json}) and where
 * their latency tables live ({@code <dir>/<id>/tables/}). Platform objects are created on first use,
 * since creating one loads its native library.
 *
 * <p>The directory is, in order: the system property {@code pruneaug.platforms}, the environment
 * variable {@code PRUNEAUG_PLATFORMS}, the first {@code platforms/} holding descriptors in the
 * working directory or above it (a checkout). Without one, the descriptors bundled in this jar are
 * used and tables go to {@code ~/.pruneaug/platforms}.
 */
public final class Platforms {
    /** implementation name (descriptor field) to the class that runs it */
    private static final Map<String, Function<PlatformDescriptor, SparsePlatform>> IMPLEMENTATIONS = Map.of(
            "pruneaug-cpu", PruneAugCpuPlatform::new,
            "pruneaug-cuda", CudaPlatform::new,
            "mkl-sparse", MklSparsePlatform::new,
            "dense-blas", DenseBlasPlatform::new);

    private static final String BUNDLED = "org/pruneaug/platforms/descriptors/";
    private static final String DESCRIPTOR = "platform.json";

    private final Path directory;
    private final Map<String, PlatformDescriptor> descriptors;
    private final Map<String, SparsePlatform> created = new TreeMap<>();

    private Platforms(Path directory, Map<String, PlatformDescriptor> descriptors) {
        this.directory = directory;
        this.descriptors = descriptors;
    }

    /** The platforms of the default directory (see the class comment). */
    public static Platforms load() {
        Path dir = defaultDirectory();
        return dir != null ? load(dir) : new Platforms(Path.of(System.getProperty("user.home"), ".pruneaug", "platforms"),
                bundled());
    }

    /** The platforms described under dir; their tables go to dir/&lt;id&gt;/tables. */
    public static Platforms load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("platforms directory " + dir + " does not exist");
        }
        Map<String, PlatformDescriptor> out = new TreeMap<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                Path file = child.resolve(DESCRIPTOR);
                if (Files.isRegularFile(file)) {
                    PlatformDescriptor d = Json.read(file, PlatformDescriptor.class, "platform descriptor")
                            .validate(file.toString());
                    if (!d.id().equals(child.getFileName().toString())) {
                        throw new InvalidInputException(file + ": id '" + d.id() + "' differs from its directory name");
                    }
                    out.put(d.id(), d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("no platform descriptors (<id>/" + DESCRIPTOR + ") under " + dir);
        }
        return new Platforms(dir, out);
    }

    static Path defaultDirectory() {
        String prop = System.getProperty("pruneaug.platforms");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("PRUNEAUG_PLATFORMS");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("platforms");
            if (hasDescriptors(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean hasDescriptors(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(c -> Files.isRegularFile(c.resolve(DESCRIPTOR)));
        } catch (IOException e) {
            return false;
        }
    }

    /** The descriptors copied into this jar at build time (platforms/*&#47;platform.json). */
    private static Map<String, PlatformDescriptor> bundled() {
        Map<String, PlatformDescriptor> out = new TreeMap<>();
        for (String id : bundledIds()) {
            String resource = BUNDLED + id + "/" + DESCRIPTOR;
            try (InputStream in = Platforms.class.getClassLoader().getResourceAsStream(resource)) {
                PlatformDescriptor d = Json.MAPPER.readValue(in, PlatformDescriptor.class).validate(resource);
                out.put(d.id(), d);
            } catch (IOException e) {
                throw new IllegalStateException("bundled descriptor " + resource + " is unreadable", e);
            }
        }
        return out;
    }

    private static List<String> bundledIds() {
        URL root = Platforms.class.getClassLoader().getResource(BUNDLED);
        if (root == null) {
            throw new IllegalStateException("no platform descriptors bundled under " + BUNDLED);
        }
        List<String> ids = new ArrayList<>();
        try {
            if (root.getProtocol().equals("jar")) {
                JarFile jar = ((JarURLConnection) root.openConnection()).getJarFile();
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                    String name = e.nextElement().getName();
                    if (name.startsWith(BUNDLED) && name.endsWith("/" + DESCRIPTOR)) {
                        ids.add(name.substring(BUNDLED.length(), name.length() - DESCRIPTOR.length() - 1));
                    }
                }
            } else {
                try (Stream<Path> children = Files.list(Path.of(root.toURI()))) {
                    children.filter(c -> Files.isRegularFile(c.resolve(DESCRIPTOR)))
                            .forEach(c -> ids.add(c.getFileName().toString()));
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list bundled platform descriptors: " + e.getMessage(), e);
        }
        return ids;
    }

    /** Where descriptors came from and tables go. */
    public Path directory() {
        return directory;
    }

    public Path tablesDirectory(String id) {
        return directory.resolve(id).resolve("tables");
    }

    /** Known ids, sorted. */
    public List<String> ids() {
        return List.copyOf(descriptors.keySet());
    }

    /** The platform with this id; InvalidInputException listing the known ids otherwise. */
    public synchronized SparsePlatform get(String id) {
        PlatformDescriptor d = descriptors.get(id);
        if (d == null) {
            throw new InvalidInputException("unknown platform '" + id + "': known platforms are " + String.join(", ", ids()));
        }
        return created.computeIfAbsent(id, k -> {
            Function<PlatformDescriptor, SparsePlatform> impl = IMPLEMENTATIONS.get(d.implementation());
            if (impl == null) {
                throw new InvalidInputException("platform " + id + ": unknown implementation '" + d.implementation()
                        + "' (known: " + String.join(", ", new TreeMap<>(IMPLEMENTATIONS).keySet()) + ")");
            }
            return impl.apply(d);
        });
    }

    /** Parses "a,b,c" into platforms, each id checked. */
    public List<SparsePlatform> parseList(String ids) {
        Map<String, SparsePlatform> out = new LinkedHashMap<>();
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                out.putIfAbsent(id.trim(), get(id.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("empty platform list '" + ids + "'");
        }
        return List.copyOf(out.values());
    }

    public List<SparsePlatform> all() {
        return ids().stream().map(this::get).toList();
    }

    /** The available platform with the highest default_priority (cpu-avx2 where the CPU has AVX2). */
    public Optional<SparsePlatform> defaultPlatform() {
        return all().stream().filter(SparsePlatform::available)
                .max(Comparator.comparingInt(p -> p.descriptor().defaultPriority()));
    }
}
