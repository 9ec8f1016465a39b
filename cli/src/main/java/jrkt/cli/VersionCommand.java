package jrkt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jrkt.core.pod.stage1.Stage1Images;
import picocli.CommandLine.Command;

/** {@code jrkt version}: what this jrkt is and what it would run with. */
@Command(name = "version", description = "Print the version of jrkt, the appc spec and Java, the default stage1 and the stage1 flavors built with jrkt.")
public final class VersionCommand extends BaseCommand {
    @Override protected boolean callsNative() { return false; }

    @Override public Integer call() {
        String configured = Stage1Images.configuredDefault(jrkt().localConfig(), jrkt().systemConfig());
        out().println("jrkt Version: " + VersionInfo.version());
        out().println("appc Version: " + VersionInfo.APPC_SPEC_VERSION);
        out().println("Java Version: " + VersionInfo.javaVersion());
        out().println("Default stage1 image: " + (configured != null ? configured : Stage1Images.DEFAULT_NAME));
        out().println("stage1 flavors:");
        for (Map.Entry<String, String> flavor : Stage1Images.BUILT_IN.entrySet()) {
            Path file = Stage1Images.builtInFile(VersionInfo.home(), flavor.getKey());
            String where = file == null ? "unknown (jrkt.home is not set)"
                : file + (Files.isRegularFile(file) ? "" : " (missing: build stage1 first)");
            out().println("  " + flavor.getKey() + "  " + where);
        }
        return 0;
    }
}
