package jrkt.cli.pod;

import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.cli.output.ListingOptions;
import jrkt.cli.output.Table;
import jrkt.core.JrktException;
import jrkt.core.net.PodNetworks;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jrkt list}: every pod, one row each; a pod's apps and images are joined with commas. */
@Command(name = "list", description = {
        "List pods. Fields: uuid, app, imagename, imageid (hidden), state, created, started, networks.",
        "A pod with several apps shows them comma-separated; states with a blank are written with '-'",
        "(aborted-prepare, exited-garbage) so that every cell is one word."})
public final class ListCommand extends BaseCommand {
    @Mixin ListingOptions listing;

    static Table table() {
        return new Table(List.of(
                Table.id("uuid", "UUID"),
                Table.text("app", "APP"),
                Table.text("imagename", "IMAGE NAME"),
                Table.text("imageid", "IMAGE ID").hidden(),
                Table.text("state", "STATE"),
                Table.time("created", "CREATED"),
                Table.time("started", "STARTED"),
                Table.text("networks", "NETWORKS")),
                "created");
    }

    @Override protected boolean opensStore() { return false; }

    @Override public Integer call() {
        Table table = table();
        // The column holds several IDs joined with commas, so the table cannot shorten them itself;
        // JSON always carries them whole, as it does every other ID.
        boolean shortIds = !listing.full() && listing.format() == ListingOptions.Format.TABLE;
        for (Pod pod : new Pods(new PodDirs(jrkt().dataDir())).list()) {
            List<Pod.App> apps;
            try {
                apps = pod.apps();
            } catch (JrktException unreadable) {
                apps = List.of(); // a pod half-deleted or being prepared still gets its row
            }
            List<String> names = new java.util.ArrayList<>(), images = new java.util.ArrayList<>(), ids = new java.util.ArrayList<>();
            for (Pod.App a : apps) {
                names.add(a.name());
                images.add(a.imageName());
                ids.add(shortIds ? Table.shortId(String.valueOf(a.imageId())) : a.imageId());
            }
            table.add(pod.uuid(), joined(names), joined(images), joined(ids),
                pod.state().label().replace(' ', '-'), pod.created(), pod.started(), networks(pod));
        }
        table.print(out(), listing);
        return 0;
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** The pod's networks with their addresses ("default:ip4=172.16.28.5,..."; objects in JSON), or none. */
    private static Table.Structured networks(Pod pod) {
        List<PodNetworks.NetworkStatus> networks = PodNetworks.status(pod.dir());
        if (networks.isEmpty()) return null;
        return new Table.Structured(String.join(",", networks.stream().map(PodNetworks.NetworkStatus::line).toList()),
            StatusCommand.json(networks));
    }
}
