package jrkt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;

/** jrkt's version (from a resource Maven fills in), the appc spec it implements, and the default stage1. */
public final class VersionInfo {
    public static final String APPC_SPEC_VERSION = "0.8.11";

    /** Where the build leaves the default stage1 image, relative to the installation directory. */
    public static final String DEFAULT_STAGE1_FILE = "stage1/target/stage1-default.aci";

    private VersionInfo() {}

    public static String version() {
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties props = new Properties();
            props.load(in);
            String v = props.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The stage1 image jrkt uses unless told otherwise: the one the build produces, found from
     * the installation directory the launcher passes as {@code -Djrkt.home}. Null when unknown.
     */
    public static Path defaultStage1() {
        Path home = home();
        return home == null ? null : home.resolve(DEFAULT_STAGE1_FILE);
    }

    /** The installation directory the launcher passes as {@code -Djrkt.home}; null when unknown. */
    public static Path home() {
        String home = System.getProperty("jrkt.home");
        return home == null || home.isEmpty() ? null : Path.of(home);
    }

    public static String javaVersion() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    /** For {@code jrkt --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"jrkt " + version()};
        }
    }
}
