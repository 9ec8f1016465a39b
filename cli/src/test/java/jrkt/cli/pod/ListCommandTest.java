package jrkt.cli.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.cli.JrktCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The image IDs of a pod's apps: short in the table, whole with --full and in JSON; its networks, as text and objects. */
class ListCommandTest {
    private static final String UUID = "0b6d3c1e-2f4a-4c5b-8d7e-9f0a1b2c3d4e";
    private static final String ID_A = "sha512-" + "a".repeat(128), ID_B = "sha512-" + "b".repeat(128);

    @TempDir Path dir;

    private String list(String... flags) throws Exception { return listFields("imageid", flags); }

    private String listFields(String fields, String... flags) throws Exception {
        Path pod = Files.createDirectories(dir.resolve("pods/prepared/" + UUID));
        Files.writeString(pod.resolve("pod"), """
                {"acKind":"PodManifest","acVersion":"0.8.11","apps":[
                 {"name":"one","image":{"name":"example.com/one","id":"%s"},"app":{}},
                 {"name":"two","image":{"name":"example.com/two","id":"%s"},"app":{}}]}
                """.formatted(ID_A, ID_B));
        String[] args = new String[flags.length + 3];
        args[0] = "--dir=" + dir;
        args[1] = "list";
        args[2] = "--fields=" + fields;
        System.arraycopy(flags, 0, args, 3, flags.length);
        StringWriter out = new StringWriter(), err = new StringWriter();
        try (JrktCommand root = new JrktCommand()) {
            CommandLine cl = root.commandLine(args);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(0, cl.execute(args), err.toString());
        }
        return out.toString();
    }

    @Test
    void tableShowsShortImageIds() throws Exception {
        assertEquals("sha512-aaaaaaaaaaaa,sha512-bbbbbbbbbbbb\n", list("--no-legend"));
    }

    @Test
    void fullShowsWholeImageIds() throws Exception {
        assertEquals(ID_A + "," + ID_B + "\n", list("--no-legend", "--full"));
    }

    @Test
    void jsonCarriesWholeImageIds() throws Exception {
        assertEquals("[{\"imageid\":\"" + ID_A + "," + ID_B + "\"}]\n", list("--format=json"));
    }

    @Test
    void networksAreOneCellInTheTableAndObjectsInJson() throws Exception {
        Path pod = Files.createDirectories(dir.resolve("pods/prepared/" + UUID));
        Files.writeString(pod.resolve("networks"), "default:ip4=172.16.28.5\nv6net:ip6=fd00::5\n");
        assertEquals("default:ip4=172.16.28.5,v6net:ip6=fd00::5\n", listFields("networks", "--no-legend"));
        assertEquals("[{\"networks\":[{\"name\":\"default\",\"ip4\":\"172.16.28.5\"},{\"name\":\"v6net\",\"ip6\":\"fd00::5\"}]}]\n",
            listFields("networks", "--format=json"));
        Files.delete(pod.resolve("networks"));
        assertEquals("-\n", listFields("networks", "--no-legend"));
        assertEquals("[{\"networks\":null}]\n", listFields("networks", "--format=json"));
    }
}
