package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.store.Lease;
import jrkt.core.store.Store;

/**
 * {@code jrkt export}: an app of a pod that is no longer running, as an ACI with its image's
 * manifest and the app's root as the app left it: the image tree with the pod's overlay upper
 * directory over it ({@code apps/<app>/upper}), or the copy made with --no-overlay
 * ({@code apps-rootfs/<app>}).
 */
public final class PodExporter {
    private static final Set<PodState> EXPORTABLE = Set.of(PodState.EXITED, PodState.EXITED_GARBAGE, PodState.PREPARED);

    private PodExporter() {}

    public static void export(Store store, Pod pod, String appName, Path out, boolean overwrite) throws IOException {
        if (!EXPORTABLE.contains(pod.state())) {
            throw new JrktException("cannot export pod " + pod.uuid() + ": it is " + pod.state() + " (stop it first)");
        }
        Pod.App app = pod.app(appName);
        // Hold the lock shared so that gc cannot delete the pod under us.
        try (PodLock lock = PodLock.tryShared(pod.dir()); Lease lease = store.lease()) {
            if (lock == null) throw new JrktException("pod " + pod.uuid() + " is locked by another process (started or removed meanwhile)");
            Path copy = pod.dir().resolve("apps-rootfs").resolve(app.name());
            Path upper = pod.dir().resolve(AppDirs.upper(app.name()));
            // a pod an earlier jrkt prepared has it in overlay/NAME/
            if (!Files.isDirectory(upper, LinkOption.NOFOLLOW_LINKS)) upper = pod.dir().resolve("overlay").resolve(app.name()).resolve("upper");
            List<Path> layers;
            if (Files.isDirectory(copy)) {
                layers = List.of(copy);
            } else if (Files.isDirectory(upper)) {
                layers = List.of(lease.render(app.imageId()).rootfs(), upper);
            } else {
                throw new JrktException("pod " + pod.uuid() + " has no root for app " + app.name() + " (neither " + upper + " nor " + copy + ")");
            }
            AciExporter.write(store.manifestBytes(app.imageId()), layers, out, overwrite);
        }
    }
}
