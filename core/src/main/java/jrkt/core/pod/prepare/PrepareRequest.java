package jrkt.core.pod.prepare;

import java.util.List;
import java.util.Map;
import jrkt.core.isolation.IsolationRequest;
import jrkt.core.metadata.MetadataMode;
import jrkt.core.pod.userns.IdPool;
import jrkt.core.pod.userns.PrivateUsers;

/**
 * Everything {@code jrkt prepare} / {@code jrkt run} decide before stage1 runs: the apps and
 * the pod-wide options, already parsed (see the parse methods of VolumeSpec, MountSpec,
 * Environment, DnsConfig, HostsEntries, and IsolatorFlags for {@code isolation}).
 */
public record PrepareRequest(
        List<AppSpec> apps,
        List<VolumeSpec> volumes,
        String hostname,                    // null: "jrkt-<uuid>"
        NetMode net,
        DnsConfig dns,
        List<String> hostsEntries,          // from HostsEntries.parse
        Map<String, String> inheritedEnv,   // the host environment with --inherit-env, else empty
        Map<String, String> envFromFiles,   // --set-env-file, files in order
        Map<String, String> setEnv,         // --set-env
        String stage1ImageId,
        boolean noOverlay,
        boolean interactive,                // the single app gets the terminal
        String consoleTty,                  // the caller's terminal to bind at /dev/console, or null
        Map<String, String> annotations,
        IsolationRequest isolation,         // pod limits, --cgroup-parent, --insecure-options (null: defaults)
        PrivateUsers privateUsers,          // --private-users (null: none)
        IdPool idPool,                      // where --private-users takes ids from (null: IdPool.DEFAULT)
        MetadataMode metadata) {            // --mds-register (null: AUTO)

    public PrepareRequest {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        net = net == null ? NetMode.NONE : net;
        dns = dns == null ? DnsConfig.IMAGE : dns;
        hostsEntries = hostsEntries == null ? List.of() : List.copyOf(hostsEntries);
        inheritedEnv = inheritedEnv == null ? Map.of() : inheritedEnv;
        envFromFiles = envFromFiles == null ? Map.of() : envFromFiles;
        setEnv = setEnv == null ? Map.of() : setEnv;
        annotations = annotations == null ? Map.of() : annotations;
        isolation = isolation == null ? IsolationRequest.DEFAULT : isolation;
        privateUsers = privateUsers == null ? PrivateUsers.NONE : privateUsers;
        idPool = idPool == null ? IdPool.DEFAULT : idPool;
        metadata = metadata == null ? MetadataMode.AUTO : metadata;
    }

    /** Without a user namespace of the pod's own. */
    public PrepareRequest(List<AppSpec> apps, List<VolumeSpec> volumes, String hostname, NetMode net, DnsConfig dns,
                          List<String> hostsEntries, Map<String, String> inheritedEnv, Map<String, String> envFromFiles,
                          Map<String, String> setEnv, String stage1ImageId, boolean noOverlay, boolean interactive,
                          String consoleTty, Map<String, String> annotations, IsolationRequest isolation) {
        this(apps, volumes, hostname, net, dns, hostsEntries, inheritedEnv, envFromFiles, setEnv, stage1ImageId, noOverlay,
            interactive, consoleTty, annotations, isolation, PrivateUsers.NONE, IdPool.DEFAULT, MetadataMode.AUTO);
    }

    /** A request with the defaults for everything but the apps and the stage1 image. */
    public static PrepareRequest of(List<AppSpec> apps, String stage1ImageId) {
        return new PrepareRequest(apps, List.of(), null, NetMode.NONE, DnsConfig.IMAGE, List.of(), Map.of(), Map.of(),
            Map.of(), stage1ImageId, false, false, null, Map.of(), IsolationRequest.DEFAULT);
    }
}
