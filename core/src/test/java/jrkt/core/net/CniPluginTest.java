package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin run for real: its config on stdin, its environment, and the files jrkt passes it through. */
class CniPluginTest {
    @TempDir Path tmp;

    /** A plugin that prints its stdin and two of its CNI variables. */
    private Path plugins() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("plugins"));
        Path plugin = dir.resolve("echo");
        Files.writeString(plugin, "#!/bin/sh\ncat; echo; echo \"$CNI_COMMAND $CNI_IFNAME\"\n");
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private CniPlugin.Call call(Path plugins) {
        return new CniPlugin.Call("ADD", "abc00000-0000-4000-8000-000000000001", null, "eth0", "", List.of(plugins));
    }

    @Test
    void thePluginReadsItsConfigOnStdinAndGetsItsCniVariables() throws Exception {
        Path scratch = Files.createDirectory(tmp.resolve("scratch"));
        byte[] out = CniPlugin.run("net", "echo", call(plugins()), Map.of("name", "net"), scratch);
        assertEquals("{\"name\":\"net\"}\nADD eth0\n", new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void aSymlinkPlantedInTheScratchDirectoryRedirectsNothing() throws Exception {
        Path plugins = plugins();
        Path victim = Files.writeString(tmp.resolve("host-file"), "the host's");
        for (String planted : List.of("plugin.in", "plugin.out", "plugin.err")) {
            Path scratch = Files.createDirectory(tmp.resolve("scratch-" + planted));
            Files.createSymbolicLink(scratch.resolve(planted), victim);
            JrktException e = assertThrows(JrktException.class, () -> CniPlugin.run("net", "echo", call(plugins), Map.of("name", "net"), scratch));
            assertTrue(e.getMessage().startsWith("network net: plugin echo: "), e.getMessage());
            assertEquals("the host's", Files.readString(victim), planted);
        }
    }
}
