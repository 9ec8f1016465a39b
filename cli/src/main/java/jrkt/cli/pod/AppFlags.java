package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.isolation.IsolatorFlags;
import jrkt.core.pod.prepare.AppSpec;
import jrkt.core.pod.prepare.Environment;
import jrkt.core.pod.prepare.MountSpec;
import jrkt.core.pod.prepare.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The flags that belong to one app of {@code run} / {@code prepare}: they follow the app's
 * image. Also an argument group of those commands, so that help lists them and a flag given
 * before the first image is caught. The {@link ResourceFlags} are app flags too (see
 * {@link #commandSpec()}), but help lists them among the pod flags, which they also are.
 */
@Command(name = AppFlags.FLAG_SET)
public final class AppFlags {
    /** The name of these flags' spec, and of their flag set in the build-time model. */
    public static final String FLAG_SET = "app-flags";

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

    @Option(names = "--caps-retain", paramLabel = "CAP[,CAP...]",
            description = "the app's capability bounding set is exactly these (e.g. CAP_NET_BIND_SERVICE)")
    String capsRetain;

    @Option(names = "--caps-remove", paramLabel = "CAP[,CAP...]", description = "remove these from the default capability bounding set")
    String capsRemove;

    @Option(names = "--seccomp", paramLabel = "mode=retain|remove[,errno=ERRNO],CALL|@GROUP,...",
            description = "the app's seccomp filter: only (retain) or all but (remove) these calls; blocked calls return ERRNO, or kill the app by SIGSYS without one")
    String seccomp;

    @Option(names = "--no-new-privileges", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "the app and its children cannot gain privileges (setuid, file capabilities)")
    Boolean noNewPrivileges;

    /** The app's resource limits: a mixin of {@link #commandSpec()}, not part of the help group. */
    final ResourceFlags resources = new ResourceFlags();

    /** The command spec one app's flags are parsed with: these flags and the resource flags. */
    public CommandSpec commandSpec() {
        CommandSpec spec = CommandSpec.forAnnotatedObject(this);
        spec.addMixin("resources", CommandSpec.forAnnotatedObject(resources));
        return spec;
    }

    /** Whether any flag was set (used to reject app flags given before the first image). */
    boolean any() {
        return exec != null || name != null || user != null || group != null || supplementaryGids != null
            || workingDir != null || !environment.isEmpty() || !mounts.isEmpty() || readOnlyRootFs
            || capsRetain != null || capsRemove != null || seccomp != null || noNewPrivileges != null;
    }

    AppSpec toSpec(String image, List<String> args) {
        List<MountSpec> parsedMounts = new ArrayList<>();
        for (String m : mounts) parsedMounts.add(MountSpec.parse(m));
        List<ImageManifest.Isolator> isolators;
        try {
            isolators = IsolatorFlags.app(resources.values(), capsRetain, capsRemove, seccomp, noNewPrivileges);
        } catch (JrktException e) {
            throw new JrktException("image " + image + ": " + e.getMessage(), e);
        }
        return new AppSpec(image, name, exec, args, user, group,
            supplementaryGids == null ? null : Users.parseGids(supplementaryGids),
            workingDir, Environment.parseAssignments("--environment", environment), parsedMounts, readOnlyRootFs, isolators);
    }
}
