package jrkt.core.pod.prepare;

import java.util.List;
import java.util.Map;
import jrkt.core.image.aci.ImageManifest;

/**
 * One app as the user asked for it: an image reference and the per-app flags that followed
 * it on the command line. Null / empty means "as the image says".
 */
public record AppSpec(
        String image,                     // what the user typed: name[:version], ID or ID prefix
        String name,                      // --name
        String exec,                      // --exec: replaces the image's whole exec
        List<String> args,                // after "--": replace the image's arguments
        String user,                      // --user
        String group,                     // --group
        List<Integer> supplementaryGids,  // --supplementary-gids; null = the image's
        String workingDirectory,          // --working-dir
        Map<String, String> environment,  // --environment NAME=VALUE, in order
        List<MountSpec> mounts,           // --mount
        boolean readOnlyRootFs,           // --readonly-rootfs
        List<ImageManifest.Isolator> isolators) { // from the isolation flags (IsolatorFlags.app); replace the image's of their kind

    public AppSpec {
        args = args == null ? List.of() : List.copyOf(args);
        environment = environment == null ? Map.of() : environment;
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        isolators = isolators == null ? List.of() : List.copyOf(isolators);
    }

    /** An app that runs the image as it is. */
    public static AppSpec of(String image) {
        return new AppSpec(image, null, null, List.of(), null, null, null, null, Map.of(), List.of(), false, List.of());
    }
}
