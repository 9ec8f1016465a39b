package jrkt.cli.pod;

import jrkt.cli.BaseCommand;
import jrkt.core.metadata.HostMetadataService;
import jrkt.core.metadata.PodMetadata;
import jrkt.core.pod.PodDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jrkt metadata-service}: rkt's command, for what needs a service on the host: verifying
 * pods' signatures for a party outside them. Runs in the foreground until SIGTERM or SIGINT.
 */
@Command(name = "metadata-service", description = {
        "Verify the signatures of pods for parties outside them (POST /acMetadata/v1/pod/hmac/verify, as in a pod).",
        "Each pod's own stage1 serves its apps (AC_METADATA_URL): this is needed only to verify from the host or the network.",
        "Prints the address it listens on, then one line a request on stderr; runs until SIGTERM or SIGINT."})
public final class MetadataServiceCommand extends BaseCommand {
    @Option(names = "--listen-address", paramLabel = "IP", defaultValue = "127.0.0.1",
            description = "the address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every address of the host)")
    String listenAddress;

    @Option(names = "--listen-port", paramLabel = "PORT", defaultValue = "" + PodMetadata.PORT,
            description = "the port to listen on (default: ${DEFAULT-VALUE}; 0 for any free one)")
    int listenPort;

    @Override public Integer call() throws InterruptedException {
        if (listenPort < 0 || listenPort > 65535) throw new jrkt.core.JrktException("--listen-port " + listenPort + ": not 0..65535");
        HostMetadataService service = HostMetadataService.start(new PodDirs(jrkt().dataDir()), listenAddress, listenPort, line -> {
            err().println(line);
            err().flush();
        });
        // SIGTERM and SIGINT end the service, and the command exits 0: a stop is not a failure
        for (String signal : new String[] {"TERM", "INT"}) sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> service.close());
        out().println("listening on " + service.address().getAddress().getHostAddress() + ":" + service.address().getPort());
        out().flush();
        service.awaitClose();
        return 0;
    }
}
