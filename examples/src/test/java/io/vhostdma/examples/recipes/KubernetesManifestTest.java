package io.vhostdma.examples.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.RuntimeDir;
import io.vhostdma.config.VhostdConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * examples/kubernetes/vhostd-daemonset.yaml: its ConfigMap is a config vhostd accepts, and the
 * DaemonSet runs vhostd on exactly that file, shares the sockets' directory with the node (hostPath at
 * the same path), and probes readiness with {@code vhostctl health} on the management socket.
 */
class KubernetesManifestTest {
    static final Path MANIFEST = Path.of("kubernetes", "vhostd-daemonset.yaml");

    @Test
    void shouldRunVhostdOnTheConfigMapAndProbeItsSocketWhenDeployed() throws Exception {
        Map<String, JsonNode> byKind = documents();
        JsonNode cm = byKind.get("ConfigMap");
        JsonNode ds = byKind.get("DaemonSet");
        assertEquals(cm.at("/metadata/namespace").asText(), ds.at("/metadata/namespace").asText());
        VhostdConfig config = ConfigLoader.parse(cm.at("/data/vhostd.yaml").asText(), "ConfigMap vhostd-config", Map.of());
        assertNull(config.management().grpc(), "no TCP endpoint: the probe and vhostctl use the socket");
        Path runtime = config.runtimeDir();
        assertEquals(Path.of("/run/vhostd"), runtime);

        JsonNode pod = ds.at("/spec/template/spec");
        JsonNode c = pod.at("/containers/0");
        List<String> command = strings(c.get("command"));
        assertTrue(command.getFirst().endsWith("/bin/vhostd"), command.toString());
        Path configFile = Path.of(command.get(command.indexOf("--config") + 1));
        JsonNode configVolume = volume(pod, mountNamed(c, configFile.getParent().toString()).get("name").asText());
        assertEquals(cm.at("/metadata/name").asText(), configVolume.at("/configMap/name").asText());
        assertTrue(cm.at("/data").has(configFile.getFileName().toString()), "the ConfigMap key is the --config file");

        JsonNode sockets = volume(pod, mountNamed(c, runtime.toString()).get("name").asText());
        assertEquals(runtime.toString(), sockets.at("/hostPath/path").asText(), "the node sees the sockets where vhostd makes them");
        for (PortConfig p : config.ports()) {
            assertTrue(p.socket().startsWith(runtime), p.name() + " socket outside the shared directory: " + p.socket());
        }

        JsonNode probe = c.at("/readinessProbe");
        assertEquals(List.of(command.getFirst().replace("/bin/vhostd", "/bin/vhostctl"), "--socket",
                runtime.resolve(RuntimeDir.CONTROL_SOCKET).toString(), "health"), strings(probe.at("/exec/command")));
        assertTrue(probe.at("/timeoutSeconds").asInt() >= 2, "a JVM start needs more than kubelet's default 1 s");
        JsonNode labels = ds.at("/spec/template/metadata/labels");
        ds.at("/spec/selector/matchLabels").properties().forEach(e ->
                assertEquals(e.getValue(), labels.get(e.getKey()), "selector label " + e.getKey()));
    }

    private static Map<String, JsonNode> documents() throws Exception {
        Map<String, JsonNode> byKind = new java.util.HashMap<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(MANIFEST.toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                assertNull(byKind.put(d.get("kind").asText(), d), "one document per kind");
            }
        }
        return byKind;
    }

    private static JsonNode mountNamed(JsonNode container, String path) {
        for (JsonNode m : container.get("volumeMounts")) {
            if (m.get("mountPath").asText().equals(path)) {
                return m;
            }
        }
        throw new AssertionError("no volume mounted at " + path);
    }

    private static JsonNode volume(JsonNode pod, String name) {
        for (JsonNode v : pod.get("volumes")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
