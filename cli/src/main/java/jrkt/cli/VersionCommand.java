package jrkt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code jrkt version}: what this jrkt is and what it would run with. */
@Command(name = "version", description = "Print the version of jrkt, the appc spec and Java, and the default stage1.")
public final class VersionCommand extends BaseCommand {
    @Override public Integer call() {
        Path stage1 = VersionInfo.defaultStage1();
        String stage1Text = stage1 == null ? "unknown (jrkt.home is not set)"
                : stage1 + (Files.isRegularFile(stage1) ? "" : " (missing: build stage1 first)");
        out().println("jrkt Version: " + VersionInfo.version());
        out().println("appc Version: " + VersionInfo.APPC_SPEC_VERSION);
        out().println("Java Version: " + VersionInfo.javaVersion());
        out().println("Default stage1 image: " + stage1Text);
        return 0;
    }
}
