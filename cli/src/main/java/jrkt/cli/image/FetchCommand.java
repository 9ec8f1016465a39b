package jrkt.cli.image;

import java.io.IOException;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.core.image.fetch.Fetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt fetch IMAGE...}: brings images into the store and prints their IDs, one per line. */
@Command(name = "fetch", description = "Fetch images into the store and print their IDs.")
public final class FetchCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE",
            description = "an ACI file (path or file:// URL), docker://REGISTRY/REPO[:TAG|@DIGEST], oci-layout:DIR[:TAG],"
                + " oci-archive:FILE[:TAG], docker-archive:FILE[:REF], or the name of a stored image")
    List<String> images;

    @Option(names = "--pull-policy", paramLabel = "new|update|never", defaultValue = "update",
            converter = PullPolicyConverter.class,
            description = "new: keep a stored image of that name and tag; update: always ask the remote (default); never: only the store")
    Fetcher.PullPolicy pullPolicy;

    @Option(names = {"--quiet", "-q"}, description = "no progress bar")
    boolean quiet;

    @Option(names = "--signature", paramLabel = "FILE", description = "the detached signature of the (one) local ACI file (default: FILE.asc beside it, if there)")
    java.nio.file.Path signature;

    @Override public Integer call() throws IOException {
        if (signature != null && images.size() != 1) throw new jrkt.core.JrktException("--signature goes with exactly one image");
        Fetcher fetcher = jrkt().fetcher(pullPolicy, quiet, signature);
        for (String argument : images) {
            out().println(fetcher.fetch(argument).id());
            out().flush();
        }
        return 0;
    }
}
