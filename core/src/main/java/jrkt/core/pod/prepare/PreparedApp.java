package jrkt.core.pod.prepare;

import java.util.List;
import java.util.Map;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.store.ImageRoot;

/**
 * One app of a pod after every override and lookup: what the pod manifest records and the
 * plan runs.
 */
public record PreparedApp(
        String name,
        String imageId,
        String imageName,
        Map<String, String> imageLabels,
        ImageRoot root,                    // the image's read-only root: a rendered tree or OCI layers
        List<String> exec,                 // exec[0] resolved through PATH
        String user, String group,         // as given (manifest or flags)
        int uid, int gid,
        List<Integer> supplementaryGids,
        String workingDirectory,
        Map<String, String> environment,   // complete, in precedence order
        List<ImageManifest.EventHandler> eventHandlers,
        List<ImageManifest.MountPoint> mountPoints,
        List<ImageManifest.Port> ports,
        List<ImageManifest.Isolator> isolators,
        List<MountSpec> mounts,            // every volume mount of this app, explicit and from mount points
        boolean readOnlyRootFs) {}
