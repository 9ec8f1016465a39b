package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest.EnvVar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {

    @Test
    void eachLayerOverridesTheOnesBelow() {
        // V1 is set by all layers, V2 by all but per-app, ... so each layer's winner shows.
        Map<String, String> host = Map.of("V1", "host", "V2", "host", "V3", "host", "V4", "host", "V5", "host", "HOSTONLY", "h");
        List<EnvVar> image = List.of(new EnvVar("V1", "image"), new EnvVar("V2", "image"), new EnvVar("V3", "image"), new EnvVar("V4", "image"));
        Map<String, String> file = Map.of("V1", "file", "V2", "file", "V3", "file");
        Map<String, String> setEnv = Map.of("V1", "setenv", "V2", "setenv");
        Map<String, String> perApp = Map.of("V1", "app", "AC_APP_NAME", "spoofed");
        Map<String, String> env = Environment.compose("web", host, image, file, setEnv, perApp);
        assertEquals("app", env.get("V1"));
        assertEquals("setenv", env.get("V2"));
        assertEquals("file", env.get("V3"));
        assertEquals("image", env.get("V4"));
        assertEquals("host", env.get("V5"));
        assertEquals("h", env.get("HOSTONLY"));
        assertEquals("web", env.get("AC_APP_NAME"));
        assertEquals(Environment.DEFAULT_PATH, env.get("PATH"));
    }

    @Test
    void imagePathReplacesTheDefault() {
        Map<String, String> env = Environment.compose("web", Map.of(), List.of(new EnvVar("PATH", "/opt/bin")), Map.of(), Map.of(), Map.of());
        assertEquals("/opt/bin", env.get("PATH"));
    }

    @Test
    void assignments() {
        Map<String, String> m = Environment.parseAssignments("--set-env", List.of("A=1", "B=x=y", "A=2", "EMPTY="));
        assertEquals(new LinkedHashMap<>(Map.of("A", "2", "B", "x=y", "EMPTY", "")), m);
        assertEquals("--set-env NOVALUE: expected NAME=VALUE",
            assertThrows(JrktException.class, () -> Environment.parseAssignment("--set-env", "NOVALUE")).getMessage());
        assertEquals("--environment =x: empty variable name",
            assertThrows(JrktException.class, () -> Environment.parseAssignment("--environment", "=x")).getMessage());
    }

    @Test
    void envFileSkipsCommentsAndKeepsValuesVerbatim(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("env");
        Files.writeString(f, "# comment\n\nA=1\nMSG=hello world # not a comment\n  # indented comment\nA=2\n");
        assertEquals(Map.of("A", "2", "MSG", "hello world # not a comment"), Environment.readEnvFile(f));
    }

    @Test
    void envFileErrorsNameFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("env");
        Files.writeString(f, "A=1\nbroken line\n");
        assertEquals("--set-env-file " + f + " line 2: expected NAME=VALUE",
            assertThrows(JrktException.class, () -> Environment.readEnvFile(f)).getMessage());
        JrktException missing = assertThrows(JrktException.class, () -> Environment.readEnvFile(dir.resolve("nope")));
        assertEquals(true, missing.getMessage().startsWith("--set-env-file " + dir.resolve("nope") + ": cannot read"));
    }
}
