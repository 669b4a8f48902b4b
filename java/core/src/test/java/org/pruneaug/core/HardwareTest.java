package org.pruneaug.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HardwareTest {
    @Test
    void fingerprintIsStableAndSeparatesHardware() {
        Hardware a = Hardware.host();
        assertEquals(a.fingerprint(), Hardware.host().fingerprint());
        assertTrue(a.fingerprint().matches("[0-9a-f]{12}"), a.fingerprint());
        assertTrue(a.cores() >= 1);
        assertNotEquals(a.fingerprint(), a.withAccelerator("NVIDIA H100").fingerprint());
        Hardware other = new Hardware("Other CPU", a.arch(), a.cores(), a.isaFeatures(), "");
        assertNotEquals(a.fingerprint(), other.fingerprint());
        assertEquals(new Hardware("X", "amd64", 2, List.of("avx2"), null).fingerprint(),
                new Hardware("X", "amd64", 2, List.of("avx2"), "").fingerprint());
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        Hardware a = Hardware.host().withAccelerator("GPU 0");
        String json = Json.toString(a);
        assertTrue(json.contains("\"cpu_model\""), json);
        assertEquals(a, Json.MAPPER.readValue(json, Hardware.class));
        Provenance p = Provenance.now(a);
        assertEquals(p, Json.MAPPER.readValue(Json.toString(p), Provenance.class));
        assertTrue(!p.toolVersion().isBlank() && !p.gitSha().isBlank());
    }
}
