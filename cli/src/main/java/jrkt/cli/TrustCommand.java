package jrkt.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.trust.TrustedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jrkt trust --prefix PREFIX KEYFILE... | --root KEYFILE...}: shows each key's fingerprint
 * and user IDs, asks for a yes on stdin (unless --skip-fingerprint-review) and stores the key in
 * the local config's trustedkeys/ (docs/trust.md).
 */
@Command(name = "trust", description = "Trust OpenPGP keys to sign images of a name prefix, or all images (--root).")
public final class TrustCommand extends BaseCommand {
    @Option(names = "--prefix", paramLabel = "PREFIX", description = "trust the keys for images named PREFIX or below it (example.com/app)")
    String prefix;

    @Option(names = "--root", description = "trust the keys for every image")
    boolean root;

    @Option(names = "--skip-fingerprint-review", description = "trust without showing the fingerprint and asking")
    boolean skipReview;

    @Parameters(arity = "0..*", paramLabel = "KEYFILE",
            description = "armored OpenPGP public key files; none with --prefix: the keys the prefix's discovery pages name")
    List<Path> keyFiles = new java.util.ArrayList<>();

    @Override public Integer call() throws IOException {
        if ((prefix == null) == !root) throw new JrktException("give exactly one of --prefix PREFIX and --root");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        java.util.Map<String, byte[]> sources = new java.util.LinkedHashMap<>();
        if (keyFiles.isEmpty()) {
            if (root) throw new JrktException("--root needs KEYFILEs (keys are discovered only for a --prefix)");
            for (var key : jrkt().fetcher(jrkt.core.image.fetch.Fetcher.PullPolicy.UPDATE, true).discoverKeys(prefix)) {
                sources.put(key.url(), key.data());
            }
        }
        for (Path file : keyFiles) {
            try {
                sources.put(file.toString(), Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                throw new JrktException("key file " + file + " does not exist");
            }
        }
        for (java.util.Map.Entry<String, byte[]> source : sources.entrySet()) {
            String file = source.getKey();
            byte[] data = source.getValue();
            for (TrustedKeys.Key key : TrustedKeys.read(data, file)) {
                if (!skipReview) {
                    out().println((root ? "Root key" : "Prefix: \"" + prefix + "\"") + " from \"" + file + "\"");
                    out().println("Key fingerprint: " + key.fingerprint().toUpperCase(java.util.Locale.ROOT));
                    for (String uid : key.userIds()) out().println("\t" + uid);
                    out().print("Are you sure you want to trust this key (yes/no)? ");
                    out().flush();
                    String answer = stdin.readLine();
                    if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
                        throw new JrktException("key " + key.fingerprint() + " not trusted (the answer was not \"yes\")");
                    }
                }
                Path stored = TrustedKeys.store(jrkt().localConfig(), root ? null : prefix, key, data);
                out().println("Trusted key " + key.fingerprint() + (root ? " for every image" : " for prefix \"" + prefix + "\"")
                    + " at " + stored);
                out().flush();
            }
        }
        return 0;
    }
}
