package jrkt.cli;

import java.nio.file.Path;
import picocli.CommandLine;

/** jrkt's version (from the manifest Maven writes), the appc spec it implements, and the default stage1. */
public final class VersionInfo {
    public static final String APPC_SPEC_VERSION = "0.8.11";

    /** Where the build leaves the default stage1 image, relative to the installation directory. */
    public static final String DEFAULT_STAGE1_FILE = "stage1/target/stage1-default.aci";

    private VersionInfo() {}

    /**
     * The build's version, from jrkt-cli.jar's manifest (Implementation-Version): the class loader
     * read the manifest when it defined this package, or the AOT cache holds it, so no jar is
     * opened for it (reading a resource opened and indexed the jar: three quarters of
     * {@code jrkt version}). "unknown" for classes outside the jar.
     */
    public static String version() {
        String v = VersionInfo.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
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
