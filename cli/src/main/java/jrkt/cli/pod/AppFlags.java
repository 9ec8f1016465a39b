package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import jrkt.core.pod.prepare.AppSpec;
import jrkt.core.pod.prepare.Environment;
import jrkt.core.pod.prepare.MountSpec;
import jrkt.core.pod.prepare.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The flags that belong to one app of {@code run} / {@code prepare}: they follow the app's
 * image. Also an argument group of those commands, so that help lists them and a flag given
 * before the first image is caught.
 */
@Command(name = "app-flags")
public final class AppFlags {
    @Option(names = "--exec", paramLabel = "PATH", description = "the app's executable, replacing the image's exec")
    String exec;

    @Option(names = "--name", paramLabel = "NAME", description = "the app's name (default: from the image name)")
    String name;

    @Option(names = "--user", paramLabel = "UID|NAME", description = "the user the app runs as")
    String user;

    @Option(names = "--group", paramLabel = "GID|NAME", description = "the group the app runs as")
    String group;

    @Option(names = "--supplementary-gids", paramLabel = "GID[,GID...]", description = "the app's supplementary groups")
    String supplementaryGids;

    @Option(names = "--working-dir", paramLabel = "DIR", description = "the app's working directory")
    String workingDir;

    @Option(names = "--environment", paramLabel = "NAME=VALUE", description = "an environment variable of this app (repeatable)")
    List<String> environment = new ArrayList<>();

    @Option(names = "--mount", paramLabel = "volume=NAME,target=PATH", description = "mount a pod volume into this app (repeatable)")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--readonly-rootfs", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "mount the app's root file system read-only")
    boolean readOnlyRootFs;

    /** Whether any flag was set (used to reject app flags given before the first image). */
    boolean any() {
        return exec != null || name != null || user != null || group != null || supplementaryGids != null
            || workingDir != null || !environment.isEmpty() || !mounts.isEmpty() || readOnlyRootFs;
    }

    AppSpec toSpec(String image, List<String> args) {
        List<MountSpec> parsedMounts = new ArrayList<>();
        for (String m : mounts) parsedMounts.add(MountSpec.parse(m));
        return new AppSpec(image, name, exec, args, user, group,
            supplementaryGids == null ? null : Users.parseGids(supplementaryGids),
            workingDir, Environment.parseAssignments("--environment", environment), parsedMounts, readOnlyRootFs);
    }
}
