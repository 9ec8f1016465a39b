package jrkt.cli.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import jrkt.cli.JrktCommand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Every pod command answers --help with its usage and its own flags, and exits 0. */
class PodCommandsHelpTest {

    @ParameterizedTest(name = "jrkt {0} --help")
    @CsvSource({
        "run, --stage1-path",
        "run, --exec",
        "prepare, --uuid-file-save",
        "run-prepared, --detach",
        "list, --no-legend",
        "status, --wait-ready",
        "stop, --force",
        "enter, --app",
        "logs, --follow",
        "cat-manifest, --pretty-print",
        "export, --overwrite",
        "rm, --uuid-file",
        "gc, --expire-prepared",
    })
    void helpShowsTheCommandsFlags(String command, String flag) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status;
        try (JrktCommand root = new JrktCommand()) {
            CommandLine cl = root.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            status = cl.execute(command, "--help");
        }
        assertEquals(0, status, err.toString());
        assertTrue(out.toString().startsWith("Usage: jrkt " + command + " "), out.toString());
        assertTrue(out.toString().contains(flag), out.toString());
        assertEquals("", err.toString());
    }
}
