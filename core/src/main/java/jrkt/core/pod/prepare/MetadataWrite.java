package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.metadata.PodMetadata;
import jrkt.core.pod.PodDirs;
import jrkt.core.store.Store;

/**
 * The metadata service's files of a pod that has it ({@link PodMetadata#write}: the resources it
 * serves, the pod's key), written beside the preparer's apps' roots, /etc files and plan, which
 * need nothing of them but the result (the plan's metadata line). Some 1 ms of the path to
 * stage1's exec: two new files and the resources' encoding, interpreted.
 */
final class MetadataWrite extends SideWork<PodMetadata> {
    private final PodDirs dirs;
    private final Path pod;
    private final byte[] podManifest;
    private final String uuid;
    private final PrepareRequest request;
    private final List<PreparedApp> apps;
    private final List<ImageManifest> manifests;
    private final Store store;

    MetadataWrite(PodDirs dirs, Path pod, byte[] podManifest, String uuid, PrepareRequest request, List<PreparedApp> apps,
                  List<ImageManifest> manifests, Store store) {
        super("jrkt-metadata-write");
        this.dirs = dirs;
        this.pod = pod;
        this.podManifest = podManifest;
        this.uuid = uuid;
        this.request = request;
        this.apps = List.copyOf(apps);
        this.manifests = List.copyOf(manifests);
        this.store = store;
    }

    @Override PodMetadata work() throws IOException {
        return PodMetadata.write(dirs, pod, podManifest, uuid, request.metadata(), request.annotations(), apps, manifests,
            new ManifestBytes(store));
    }

    /** The store's manifest bytes as the function write takes (a class: no call site linked at run time). */
    private record ManifestBytes(Store store) implements java.util.function.Function<String, byte[]> {
        @Override public byte[] apply(String imageId) { return store.manifestBytes(imageId); }
    }
}
