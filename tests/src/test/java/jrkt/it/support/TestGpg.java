package jrkt.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's gpg in a GNUPGHOME of the test's own: keys made without a passphrase, exported
 * armored, detached armored signatures. close() stops the gpg-agent it started.
 */
public final class TestGpg implements AutoCloseable {
    private final Path home;

    public TestGpg(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** Makes a signing key for this user ID; returns its fingerprint. */
    public String newKey(String userId) throws IOException, InterruptedException {
        gpg("--passphrase", "", "--quick-gen-key", userId, "rsa2048", "sign", "never");
        String out = gpg("--with-colons", "--fingerprint", userId);
        for (String line : out.lines().toList()) if (line.startsWith("fpr:")) return line.split(":")[9].toLowerCase();
        throw new IOException("no fingerprint for " + userId + ": " + out);
    }

    public Path exportKey(String userId, Path file) throws IOException, InterruptedException {
        gpg("--armor", "--output", file.toString(), "--export", userId);
        return file;
    }

    public Path sign(String userId, Path file) throws IOException, InterruptedException {
        Path asc = file.resolveSibling(file.getFileName() + ".asc");
        Files.deleteIfExists(asc);
        gpg("--local-user", userId, "--armor", "--detach-sign", "--output", asc.toString(), file.toString());
        return asc;
    }

    private String gpg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--homedir", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
        return out;
    }

    @Override public void close() {
        try {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "all").redirectErrorStream(true).start()
                .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no agent was started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
